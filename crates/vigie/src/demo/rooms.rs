//! The demo's cameras: a house, room by room.

/// Names and sizes of the demo cameras, cycled when more are asked for.
const ROOMS: [(&str, u32, u32); 9] = [
    ("entrée", 640, 480),
    ("jardin", 320, 240),
    ("garage", 1280, 720),
    ("salon", 800, 600),
    ("cuisine", 480, 360),
    ("bureau", 960, 540),
    ("cave", 320, 240),
    ("grenier", 640, 360),
    ("portail", 640, 480),
];

/// The name and size of demo camera `i`.
pub fn room(i: usize) -> (String, u32, u32) {
    let (name, w, h) = ROOMS[i % ROOMS.len()];
    let name = match i / ROOMS.len() {
        0 => name.to_owned(),
        round => format!("{name}-{}", round + 1),
    };
    (name, w, h)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rooms_have_distinct_names() {
        let names: std::collections::HashSet<String> = (0..64).map(|i| super::room(i).0).collect();
        assert_eq!(names.len(), 64);
    }
}
