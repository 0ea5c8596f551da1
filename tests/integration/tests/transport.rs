//! The HTTP transport: https is TLS from the first byte, a failed handshake
//! means nothing was sent, and a configured HTTP proxy carries every
//! connection as a CONNECT tunnel with credentials that never show.

mod common;

use common::serve;
use kraken_mock::MockKraken;
use kraken_spot::{Error, RetryPolicy, SpotClient};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Reads one request head (through its blank line); `None` once the peer
/// has closed the connection.
async fn read_head(conn: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        conn.read_exact(&mut byte).await.ok()?;
        head.push(byte[0]);
    }
    Some(String::from_utf8(head).unwrap())
}

/// A CONNECT proxy on loopback: records each request head, then tunnels.
async fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let Some(head) = read_head(&mut client).await else {
                    return;
                };
                log.lock().unwrap().push(head.clone());
                let target = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split(' ').next())
                    .unwrap()
                    .to_owned();
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_configured_proxy_tunnels_signed_and_public_calls() {
    let mock = MockKraken::start().await;
    serve(&mock, "/0/public/Time", "Time.json");
    serve(&mock, "/0/private/Balance", "Balance.json");
    let (proxy, seen) = connect_proxy().await;
    let with_auth = proxy.replace("http://", "http://trader:s3cret@");
    let client = SpotClient::builder()
        .base_url(mock.base_url())
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .proxy(&with_auth)
        .build()
        .unwrap();

    assert_eq!(client.get_server_time().await.unwrap().unixtime, 1688669448);
    assert_eq!(client.get_account_balance().await.unwrap().len(), 10);

    // One tunnel (the connection is pooled), to the mock, with the proxy's
    // credentials as Basic auth.
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let origin = mock.base_url().trim_start_matches("http://").to_owned();
    assert!(
        heads[0].starts_with(&format!("CONNECT {origin} HTTP/1.1\r\n")),
        "{}",
        heads[0]
    );
    // base64("trader:s3cret")
    assert!(
        heads[0].contains("Proxy-Authorization: Basic dHJhZGVyOnMzY3JldA==\r\n"),
        "{}",
        heads[0]
    );
    // The mock saw both calls, the signed one verified by its own code.
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn a_tunnel_names_the_default_port_of_an_origin_without_one() {
    let (proxy, seen) = connect_proxy().await;
    let client = SpotClient::builder()
        .base_url("http://127.0.0.1")
        .proxy(&proxy)
        .retry(kraken_spot::RetryPolicy::NONE)
        .build()
        .unwrap();
    // Nothing listens on port 80 here: the call fails after the CONNECT.
    let _ = client.get_server_time().await;
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("CONNECT 127.0.0.1:80 HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
}

#[tokio::test]
async fn the_proxy_password_never_shows() {
    let builder = SpotClient::builder().proxy("http://trader:s3cret@127.0.0.1:9");
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains("s3cret") && shown.contains("REDACTED"),
        "{shown}"
    );

    // An unreachable proxy: a connect error, before anything was sent.
    let client = builder.base_url("http://127.0.0.1:1").build().unwrap();
    let err = client.get_server_time().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("s3cret"), "{text}");
    match err {
        Error::Transport { source, .. } => assert!(source.is_connect(), "{source}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn only_http_proxies_are_accepted() {
    let err = SpotClient::builder()
        .proxy("https://trader:s3cret@proxy.example:443")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidConfig(_)), "{err:?}");
    assert!(!err.to_string().contains("s3cret"), "{err}");
}

/// A server that records the first bytes a client sends, then hangs up.
async fn first_bytes_server() -> (u16, tokio::sync::oneshot::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = conn.read(&mut buf).await.unwrap();
        buf.truncate(n);
        let _ = tx.send(buf);
        // Dropping the connection ends the handshake.
    });
    (port, rx)
}

#[tokio::test]
async fn https_starts_with_a_tls_handshake_and_a_failed_one_sent_nothing() {
    let (port, first) = first_bytes_server().await;
    let client = SpotClient::builder()
        .base_url(format!("https://127.0.0.1:{port}"))
        .credentials(kraken_mock::API_KEY, kraken_mock::API_SECRET)
        .no_proxy()
        // One attempt: the error below is the handshake's, not a retry's.
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap();
    let err = client.get_account_balance().await.unwrap_err();

    let hello = first.await.unwrap();
    // A TLS handshake record (0x16, version 3.x), not an HTTP request line:
    // neither the path nor the key went out in the clear.
    assert_eq!(&hello[..2], &[0x16, 0x03], "{hello:?}");
    assert!(!hello.windows(4).any(|w| w == b"POST"));
    assert!(
        !hello
            .windows(kraken_mock::API_KEY.len())
            .any(|w| w == kraken_mock::API_KEY.as_bytes())
    );
    // ALPN offers HTTP/2 and HTTP/1.1.
    assert!(hello.windows(3).any(|w| w == b"\x02h2"), "no h2 in ALPN");
    assert!(
        hello.windows(9).any(|w| w == b"\x08http/1.1"),
        "no http/1.1 in ALPN"
    );
    // The handshake failed before any request: a connect error, which a
    // call that changes state may safely retry.
    match err {
        Error::Transport { source, .. } => assert!(source.is_connect(), "{source}"),
        other => panic!("{other:?}"),
    }
}

/// A keep-alive HTTP/1.1 server that answers every request with the
/// recorded Time body and counts the connections it accepts; with
/// `hang_up`, it closes each connection a moment after its first answer,
/// while the client holds it idle.
async fn counting_server(hang_up: bool) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    let body = kraken_mock::fixture("Time.json");
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                // A GET: its head is the whole request.
                while read_head(&mut conn).await.is_some() {
                    let mut answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    answer.extend_from_slice(&body);
                    if conn.write_all(&answer).await.is_err() {
                        return;
                    }
                    if hang_up {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), accepted)
}

fn loopback_client(base: &str) -> SpotClient {
    SpotClient::builder()
        .base_url(base)
        .no_proxy()
        // One attempt: what is checked is the transport, not a retry.
        .retry(RetryPolicy::NONE)
        .build()
        .unwrap()
}

#[tokio::test]
async fn calls_reuse_connections_and_concurrent_calls_open_their_own() {
    use std::sync::atomic::Ordering;
    let (base, accepted) = counting_server(false).await;
    let client = loopback_client(&base);
    for _ in 0..5 {
        client.get_server_time().await.unwrap();
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "sequential calls share one connection"
    );

    let together = |client: SpotClient| async move {
        let calls = (0..8).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_server_time().await })
        });
        for call in calls.collect::<Vec<_>>() {
            call.await.unwrap().unwrap();
        }
    };
    together(client.clone()).await;
    let opened = accepted.load(Ordering::SeqCst);
    assert!(
        (1..=8).contains(&opened),
        "{opened} connections for 8 calls at once"
    );
    // Every connection went back idle: the next calls open none.
    together(client.clone()).await;
    for _ in 0..3 {
        client.get_server_time().await.unwrap();
    }
    assert_eq!(accepted.load(Ordering::SeqCst), opened);
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_not_reused() {
    use std::sync::atomic::Ordering;
    let (base, accepted) = counting_server(true).await;
    let client = loopback_client(&base);
    for call in 1..=3 {
        // The previous connection went back idle, then the server hung up.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        client.get_server_time().await.unwrap();
        assert_eq!(accepted.load(Ordering::SeqCst), call);
    }
}
