//! The officers' console in a real browser: headless Chromium driven through
//! WebDriver (chromedriver) as two officers use it. A `check` token cannot
//! open the console; officer A opens the oldest hold and approves it with a
//! reason and is not offered the release; a form stripped of its CSRF token is
//! refused; officer B releases it; the ERP's poll shows both; B exempts a
//! screening match from its hold page and the next check no longer counts it.
//! Screenshots of the queue, a hold page and the dashboard are kept in
//! `target/test-artifacts/`.

use crate::audit_report::{chromium, target_dir};
use crate::serve::{Server, audit_store, envelope, read_json, write_tokens};
use crate::support::{repo, temp_dir};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const OFFICER_A: &str = "ecx_browser_officer_a_0000000000000000000000000000000000000000000";
const OFFICER_B: &str = "ecx_browser_officer_b_0000000000000000000000000000000000000000000";
const ERP: &str = "ecx_browser_erp_00000000000000000000000000000000000000000000000000";

/// chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian: chromium-driver) must be installed");
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver { child, url };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .build()
        .into();
    let start = Instant::now();
    while agent.get(format!("{}/status", driver.url)).call().is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium().display().to_string(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--window-size=1280,1400", format!("--user-data-dir={}", profile.display())],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session")
}

async fn sign_in(c: &Client, base: &str, token: &str) {
    c.goto(&format!("{base}/ui/signin")).await.unwrap();
    c.find(Locator::Css("#token"))
        .await
        .unwrap()
        .send_keys(token)
        .await
        .unwrap();
    click_to_next_page(c, "main form button[type=submit]").await;
}

async fn sign_out(c: &Client) {
    click_to_next_page(c, "nav form button[type=submit]").await;
}

/// Clicks the link or submit button at `button` and waits until the browser has left
/// the page it was on: an element looked up before the next page is in place would be
/// the old page's (a stale reference, or the old value).
async fn click_to_next_page(c: &Client, button: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    c.find(Locator::Css(button))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        match old.tag_name().await {
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
            {
                return;
            }
            _ => std::thread::sleep(Duration::from_millis(25)),
        }
    }
    panic!("{button}: the page did not change within 10 s of the click");
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 20_000,
        "{name}: a blank page ({} bytes)",
        png.len()
    );
    let dir = target_dir().join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("console-{name}.png"));
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
}

/// Fills the hold page's action form and submits it.
async fn act(c: &Client, action: &str, reason: &str, comment: &str) {
    c.find(Locator::Css("#action"))
        .await
        .unwrap()
        .select_by_value(action)
        .await
        .unwrap();
    c.find(Locator::Css("#reason_code"))
        .await
        .unwrap()
        .select_by_value(reason)
        .await
        .unwrap();
    c.find(Locator::Css("#comment"))
        .await
        .unwrap()
        .send_keys(comment)
        .await
        .unwrap();
    click_to_next_page(c, "form[aria-label='Act on this hold'] button").await;
}

#[test]
fn two_officers_work_a_hold_and_exempt_a_match_in_a_real_browser() {
    let dir = temp_dir();
    let (url, key, _, _) = audit_store(dir.path());
    write_tokens(
        dir.path(),
        &[
            ("officer-a", &["officer"], OFFICER_A),
            ("officer-b", &["officer"], OFFICER_B),
            ("erp", &["check"], ERP),
        ],
    );
    let mut server = Server::launch(dir.path(), &["--audit", &url, "--checkpoint-key", &key]);
    server.token = Some(ERP.to_owned());
    let case = |path: &str| read_json(&repo().join("tests/cases").join(path))["shipment"].clone();
    let review = case("chpl-diversion/transshipment-uae-red-flags-review.json");
    let listed: Value = serde_json::from_str(
        r#"{"id": "EX-B1", "date": "2026-09-01",
            "exporter": {"name": "Rhein Elektronik GmbH", "country": "DE"},
            "consignee": {"name": "Rosoboronexport", "country": "RU"},
            "origin_country": "DE", "destination_country": "RU",
            "lines": [{"line": 1, "description": "pumps", "hs_code": "8413.30", "origin_country": "US",
                       "quantity": 1, "value": {"amount": "10.00", "currency": "EUR"}}]}"#,
    )
    .unwrap();
    let first = server.post("/v1/check", &envelope("b-1", "enforce", &review));
    assert_eq!(first.body["verdict"]["outcome"], "review", "{}", first.body);
    let hold = first.body["decision_id"].as_str().unwrap().to_owned();
    let second = server.post("/v1/check", &envelope("b-2", "enforce", &listed));
    let listed_hold = second.body["decision_id"].as_str().unwrap().to_owned();
    let base = server.base.clone();

    let driver = chromedriver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let c = browser(&driver, &dir.path().join("profile")).await;

        // A check-role token does not get into the console.
        sign_in(&c, &base, ERP).await;
        let page = c.source().await.unwrap();
        assert!(page.contains("neither the officer nor the auditor role"), "{page}");
        c.goto(&format!("{base}/ui/holds")).await.unwrap();
        assert!(c.current_url().await.unwrap().path().ends_with("/ui/signin"));

        // Officer A: the queue, the oldest hold, approve with a reason.
        sign_in(&c, &base, OFFICER_A).await;
        c.goto(&format!("{base}/ui/holds")).await.unwrap();
        screenshot(&c, "queue").await;
        click_to_next_page(&c, "tbody tr:first-child a").await;
        assert!(c.current_url().await.unwrap().path().ends_with(&hold), "the oldest hold first");
        act(&c, "approve", "end-use-verified", "End-use statement checked").await;
        let state = c.find(Locator::Css("#state")).await.unwrap().text().await.unwrap();
        assert_eq!(state, "approved");
        screenshot(&c, "hold").await;
        let page = c.source().await.unwrap();
        assert!(!page.contains("<option value=\"release\">"), "A is not offered the release");
        // The form without its CSRF token: refused.
        c.execute("document.querySelector(\"form[aria-label='Act on this hold'] input[name=csrf]\").remove()", vec![])
            .await
            .unwrap();
        act(&c, "reject", "other", "forged").await;
        let page = c.source().await.unwrap();
        assert!(page.contains("Form refused"), "{page}");
        sign_out(&c).await;

        // Officer B releases it.
        sign_in(&c, &base, OFFICER_B).await;
        c.goto(&format!("{base}/ui/holds/{hold}")).await.unwrap();
        act(&c, "release", "end-use-verified", "Second pair of eyes").await;
        let state = c.find(Locator::Css("#state")).await.unwrap().text().await.unwrap();
        assert_eq!(state, "released");

        // B exempts the SDN match of the listed consignee from its hold page.
        c.goto(&format!("{base}/ui/holds/{listed_hold}")).await.unwrap();
        let rows = c.find_all(Locator::Css("main table tbody tr")).await.unwrap();
        let mut sdn = None;
        for (i, row) in rows.iter().enumerate() {
            if row.text().await.unwrap().contains("csl-sdn") {
                sdn = Some(i);
            }
        }
        let i = sdn.expect("the SDN finding is listed");
        c.find(Locator::Css(&format!("#reason-{i}")))
            .await
            .unwrap()
            .send_keys("Different entity: registry extract on file")
            .await
            .unwrap();
        let tomorrow = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48))
            .to_string()[..10]
            .to_owned();
        c.find(Locator::Css(&format!("#until-{i}")))
            .await
            .unwrap()
            .send_keys(&tomorrow)
            .await
            .unwrap();
        click_to_next_page(&c, &format!("form[aria-label='Exempt finding {}'] button", i + 1)).await;
        c.goto(&format!("{base}/ui/exemptions")).await.unwrap();
        let page = c.source().await.unwrap();
        assert!(page.contains("in_force") && page.contains("Rosoboronexport"), "{page}");
        c.goto(&format!("{base}/ui")).await.unwrap();
        screenshot(&c, "dashboard").await;
        let page = c.source().await.unwrap();
        assert!(page.contains("Holds open by age") && page.contains("Time to release"));
        c.close().await.unwrap();
    });

    // The ERP's poll: the review hold approved by A and released by B.
    let changes = server.get("/v1/holds/changes?limit=100");
    let ours: Vec<(String, String)> = changes.body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["hold_id"] == hold.as_str())
        .map(|c| {
            (
                c["event"].as_str().unwrap().to_owned(),
                c["officer"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        ours,
        [
            ("opened".to_owned(), String::new()),
            ("approve".to_owned(), "officer-a".to_owned()),
            ("release".to_owned(), "officer-b".to_owned()),
        ]
    );
    // The next check of the listed shipment shows the SDN match, not counting it.
    let again = server.post("/v1/check", &envelope("b-3", "enforce", &listed));
    assert_eq!(
        again.body["verdict"]["exempted"][0]["rule"], "csl-sdn",
        "{}",
        again.body
    );
    let (code, stderr) = server.stop();
    assert_eq!(code, 0, "{stderr}");
}
