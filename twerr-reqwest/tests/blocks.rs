//! Failures an operator must fix: a response whose failure the table says reaches the
//! credential or the app blocks the requests it reaches, which fail without being sent,
//! except one probe per interval; a success lifts the block. Against a real local server,
//! with an injected clock; every count is of requests that reached the server.

mod common;

use common::*;
use twerr_core::{Cause, Code, Problem, Reach, Status};
use twerr_reqwest::{NotSent, NotSentReason};

/// X's 402 when the account's credits are gone (koala73/worldmonitor #7156, production).
const CREDITS_DEPLETED: &[u8] = br#"{"title":"Payment Required","detail":"credits depleted","type":"https://api.x.com/2/problems/credits-depleted"}"#;

fn credits_depleted() -> Reply {
    reply(
        402,
        &[("content-type", "application/problem+json")],
        CREDITS_DEPLETED,
    )
}

fn v1_error(status: u16, code: u16, message: &str) -> Reply {
    let body = format!(r#"{{"errors":[{{"code":{code},"message":"{message}"}}]}}"#);
    reply(
        status,
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
}

/// What a request with `token` comes to: its status, or the block that kept it back.
async fn get(h: &Harness, server: &Server, token: &str) -> Result<u16, Option<twerr_core::Block>> {
    send(h.client.get(server.url("/2/users/me")), token).await
}

async fn post(h: &Harness, server: &Server, token: &str) -> Result<u16, Option<twerr_core::Block>> {
    send(h.client.post(server.url("/2/tweets")), token).await
}

async fn send(
    request: reqwest_middleware::RequestBuilder,
    token: &str,
) -> Result<u16, Option<twerr_core::Block>> {
    match request.bearer_auth(token).send().await {
        Ok(response) => Ok(response.status().as_u16()),
        Err(error) => match NotSent::find(&error).map(NotSent::reason) {
            Some(NotSentReason::Blocked(block)) => Err(Some(block.clone())),
            _ => Err(None),
        },
    }
}

#[tokio::test]
async fn a_402_blocks_every_credential_of_the_app_until_a_probe_succeeds() {
    let server = Server::start([credits_depleted(), credits_depleted(), ok(), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b.app("bot"));
    assert_eq!(get(&h, &server, "alice").await, Ok(402));
    // Every credential of the app is held back; nothing reaches the server.
    let held = get(&h, &server, "bob").await.expect_err("blocked");
    let block = held.expect("a block");
    assert_eq!(
        (block.reach(), block.cause()),
        (
            Reach::App,
            Cause::Problem(Problem::from_type("credits-depleted"))
        )
    );
    assert_eq!(block.until(), None, "out of credits: no known end");
    assert!(post(&h, &server, "carol").await.is_err());
    assert_eq!(server.received().len(), 1);
    // After 5 minutes (X's auto-recharge interval) one probe goes, and fails.
    h.clock.advance(secs(5 * 60));
    assert_eq!(get(&h, &server, "bob").await, Ok(402));
    assert!(
        get(&h, &server, "carol").await.is_err(),
        "one probe per interval"
    );
    assert_eq!(server.received().len(), 2);
    // The next probe comes twice as late: 10 minutes.
    h.clock.advance(secs(10 * 60 - 1));
    assert!(get(&h, &server, "bob").await.is_err());
    h.clock.advance(secs(1));
    assert_eq!(
        get(&h, &server, "bob").await,
        Ok(200),
        "topped up: the probe succeeds"
    );
    assert_eq!(
        get(&h, &server, "alice").await,
        Ok(200),
        "the block is lifted"
    );
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn another_app_is_not_blocked() {
    let server = Server::start([credits_depleted(), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b);
    // App-only Bearer tokens: each token is its own app.
    assert_eq!(get(&h, &server, "app-one").await, Ok(402));
    assert_eq!(get(&h, &server, "app-two").await, Ok(200));
}

#[tokio::test]
async fn a_402_without_a_body_blocks_by_its_status() {
    let html = reply(
        402,
        &[("content-type", "text/html")],
        b"<html><body>Payment Required</body></html>",
    );
    let server = Server::start([html]).await;
    let h = harness(CAPTURE_DATE, |b| b.app("bot"));
    assert_eq!(get(&h, &server, "alice").await, Ok(402));
    let block = get(&h, &server, "bob")
        .await
        .expect_err("blocked")
        .expect("a block");
    assert_eq!(block.cause(), Cause::Status(Status::from_u16(402)));
}

#[tokio::test]
async fn a_spend_cap_says_its_reset_date_and_probes_hourly_meanwhile() {
    // Three public files show this body (pay-per-use.md, item 4); 2024-01-16 is CAPTURE_DATE's day.
    let body = br#"{"title":"SpendCapReached","detail":"Your monthly spend cap has been reached.","type":"https://api.x.com/2/problems/spend-cap-reached","reset_date":"2024-01-20"}"#;
    let server = Server::start([reply(403, &[], body), reply(403, &[], body)]).await;
    let h = harness(CAPTURE_DATE, |b| b.app("bot"));
    assert_eq!(post(&h, &server, "alice").await, Ok(403));
    let block = post(&h, &server, "alice")
        .await
        .expect_err("blocked")
        .expect("a block");
    assert_eq!(
        block.until(),
        Some(at(1_705_795_200)),
        "the end of 2024-01-20, UTC"
    );
    // Before the date, nothing but one probe an hour.
    for _ in 0..59 {
        h.clock.advance(secs(60));
        assert!(post(&h, &server, "alice").await.is_err());
    }
    assert_eq!(server.received().len(), 1);
    h.clock.advance(secs(60));
    assert_eq!(
        post(&h, &server, "alice").await,
        Ok(403),
        "the hourly probe"
    );
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_revoked_token_blocks_that_credential_only() {
    let server = Server::start([v1_error(401, 89, "Invalid or expired token."), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b.app("bot"));
    assert_eq!(get(&h, &server, "revoked").await, Ok(401));
    let block = get(&h, &server, "revoked")
        .await
        .expect_err("blocked")
        .expect("a block");
    assert_eq!(
        (block.reach(), block.cause()),
        (Reach::Credential, Cause::Code(Code::from_u16(89)))
    );
    assert_eq!(get(&h, &server, "fine").await, Ok(200));
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_duplicate_blocks_nothing() {
    let server = Server::start([v1_error(403, 187, "Status is a duplicate."), ok()]).await;
    let h = harness(CAPTURE_DATE, |b| b.app("bot"));
    assert_eq!(post(&h, &server, "alice").await, Ok(403));
    assert_eq!(post(&h, &server, "alice").await, Ok(200));
}

#[tokio::test]
async fn a_261_blocks_the_apps_writes_and_no_read() {
    let server = Server::start([
        v1_error(403, 261, "Application cannot perform write actions."),
        ok(),
    ])
    .await;
    let h = harness(CAPTURE_DATE, |b| b.app("bot"));
    assert_eq!(post(&h, &server, "alice").await, Ok(403));
    let block = post(&h, &server, "bob")
        .await
        .expect_err("a write is blocked")
        .expect("a block");
    assert!(block.writes_only());
    assert_eq!(get(&h, &server, "bob").await, Ok(200), "reads go");
    assert_eq!(server.received().len(), 2);
}

/// koala73/worldmonitor: 64 credentials of one app polled every 5 minutes for an hour while
/// the account has no credits. Without blocks every poll reaches X (768 requests); with them,
/// the first 402 and the probes.
#[tokio::test]
async fn sixty_four_credentials_polled_for_an_hour_against_a_402_send_one_plus_the_probes() {
    let server = Server::start([]).await;
    server.fallback(credits_depleted());
    let h = harness(CAPTURE_DATE, |b| b.app("worldmonitor"));
    let mut outcomes = (0, 0);
    for round in 0..12 {
        if round > 0 {
            h.clock.advance(secs(5 * 60));
        }
        for user in 0..64 {
            match get(&h, &server, &format!("user-{user}")).await {
                Ok(402) => outcomes.0 += 1,
                Err(Some(_)) => outcomes.1 += 1,
                other => panic!("{other:?}"),
            }
        }
    }
    // Probes after 5, 10 and 20 more minutes (t = 5, 15, 35); the next would be at 75.
    assert_eq!(server.received().len(), 4, "the first 402 and three probes");
    assert_eq!(outcomes, (4, 764));
}
