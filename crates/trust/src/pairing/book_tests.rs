//! Tests of the pairing book: single use, expiry, rate limits.

use std::net::Ipv4Addr;

use super::*;

const PEER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const OTHER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn book() -> (PairingBook, ManualClock) {
    let clock = ManualClock::default();
    let fp = Fingerprint::from_bytes([9; 32]);
    (PairingBook::new(fp, Arc::new(clock.clone())), clock)
}

#[test]
fn a_code_works_once() {
    let (mut book, _) = book();
    let code = book.issue().unwrap();
    assert!(code.matches(&Fingerprint::from_bytes([9; 32])));
    assert_eq!(book.outstanding(), 1);
    assert_eq!(book.redeem(&code.secret(), PEER), Ok(()));
    assert_eq!(book.outstanding(), 0);
    assert_eq!(book.redeem(&code.secret(), PEER), Err(PairingError::Reused));
}

#[test]
fn a_code_given_back_works_again() {
    let (mut book, _) = book();
    let code = book.issue().unwrap();
    assert_eq!(book.redeem(&code.secret(), PEER), Ok(()));
    book.give_back(&code.secret());
    assert_eq!(book.outstanding(), 1);
    assert_eq!(book.redeem(&code.secret(), PEER), Ok(()));
}

#[test]
fn a_code_expires_after_ten_minutes() {
    let (mut book, clock) = book();
    let code = book.issue().unwrap();
    clock.advance(Duration::from_secs(599));
    let early = book.issue().unwrap();
    assert_eq!(book.redeem(&early.secret(), PEER), Ok(()));
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        book.redeem(&code.secret(), PEER),
        Err(PairingError::Expired)
    );
    // Long after, it is forgotten: merely wrong.
    clock.advance(Duration::from_secs(1200));
    assert_eq!(book.redeem(&code.secret(), OTHER), Err(PairingError::Wrong));
}

#[test]
fn several_codes_may_be_outstanding_and_the_oldest_goes_first() {
    let (mut book, _) = book();
    let codes: Vec<_> = (0..book.limits().max_codes + 1)
        .map(|_| book.issue().unwrap())
        .collect();
    assert_eq!(book.outstanding(), book.limits().max_codes);
    assert_eq!(
        book.redeem(&codes[0].secret(), PEER),
        Err(PairingError::Wrong)
    );
    assert_eq!(book.redeem(&codes[5].secret(), PEER), Ok(()));
    assert_eq!(book.redeem(&codes[16].secret(), PEER), Ok(()));
}

#[test]
fn a_wrong_code_is_wrong() {
    let (mut book, _) = book();
    let code = book.issue().unwrap();
    let guess = PairingSecret::parse(if code.secret().to_string() == "00000000" {
        "00000001"
    } else {
        "00000000"
    })
    .unwrap();
    assert_eq!(book.redeem(&guess, PEER), Err(PairingError::Wrong));
    assert_eq!(book.outstanding(), 1, "a wrong guess spends nothing");
}

#[test]
fn one_peer_guessing_is_stopped_then_let_go() {
    let (mut book, clock) = book();
    let code = book.issue().unwrap();
    let wrong = PairingSecret::parse("ZZZZZZZZ").unwrap();
    for _ in 0..3 {
        assert!(matches!(
            book.redeem(&wrong, PEER),
            Err(PairingError::Wrong | PairingError::Reused)
        ));
    }
    // Even the right code is not checked now.
    let refused = book.redeem(&code.secret(), PEER).unwrap_err();
    assert_eq!(
        refused,
        PairingError::RateLimited {
            retry_after: Duration::from_secs(60)
        }
    );
    assert!(refused.to_string().contains("too many"));
    // Another address is not held back by this one.
    let second = book.issue().unwrap();
    assert_eq!(book.redeem(&second.secret(), OTHER), Ok(()));
    clock.advance(Duration::from_secs(30));
    assert_eq!(
        book.redeem(&code.secret(), PEER),
        Err(PairingError::RateLimited {
            retry_after: Duration::from_secs(30)
        })
    );
    clock.advance(Duration::from_secs(30));
    assert_eq!(book.redeem(&code.secret(), PEER), Ok(()));
}

#[test]
fn many_addresses_guessing_together_are_stopped_too() {
    let (mut book, clock) = book();
    let code = book.issue().unwrap();
    let wrong = PairingSecret::parse("ZZZZZZZZ").unwrap();
    let mut refusals = 0;
    for i in 0..50u8 {
        let peer = IpAddr::V4(Ipv4Addr::new(127, 0, 1, i));
        match book.redeem(&wrong, peer) {
            Err(PairingError::RateLimited { .. }) => refusals += 1,
            Err(_) => {}
            Ok(()) => panic!("a wrong code was accepted"),
        }
    }
    assert_eq!(refusals, 50 - 10, "10 guesses a minute overall");
    let fresh = IpAddr::V4(Ipv4Addr::new(127, 0, 2, 1));
    assert!(matches!(
        book.redeem(&code.secret(), fresh),
        Err(PairingError::RateLimited { .. })
    ));
    clock.advance(Duration::from_secs(61));
    assert_eq!(book.redeem(&code.secret(), fresh), Ok(()));
    assert!(
        book.failures_by_peer.is_empty(),
        "old failures are forgotten"
    );
}
