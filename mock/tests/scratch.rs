#![allow(clippy::unwrap_used)]
use axum::{Router, routing::get, response::Response, body::Body};
use std::time::Duration;

async fn drop_h() -> Response {
    let s = futures::stream::once(async { Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("drop")) });
    Response::builder().status(200).header("content-type","application/json").body(Body::from_stream(s)).unwrap()
}
async fn trunc_h() -> Response {
    let full = br#"{"hello":"world","more":"stuff stuff stuff"}"#.to_vec();
    let half = bytes::Bytes::copy_from_slice(&full[..full.len()/2]);
    let s = futures::stream::unfold(0u8, move |st| { let half = half.clone(); async move {
        match st { 0 => Some((Ok::<_, std::io::Error>(half), 1)), 1 => { tokio::time::sleep(Duration::from_millis(20)).await; Some((Err(std::io::Error::other("trunc")), 2)) }, _ => None }
    }});
    Response::builder().status(200).header("content-type","application/json").header("content-length", full.len().to_string()).body(Body::from_stream(s)).unwrap()
}

#[tokio::test]
async fn scratch() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let app = Router::new().route("/drop", get(drop_h)).route("/trunc", get(trunc_h));
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    let c = reqwest::Client::new();
    let r = c.get(format!("http://{addr}/drop")).send().await;
    println!("drop: {r:?}");
    let r = c.get(format!("http://{addr}/trunc")).send().await;
    match r { Ok(r) => { println!("trunc status {} {:?}", r.status(), r.headers()); println!("body {:?}", r.text().await); } Err(e) => println!("trunc err {e:?}") }
}
