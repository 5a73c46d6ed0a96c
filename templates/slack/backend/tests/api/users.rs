//! `users.*`.

use serde_json::{Value, json};

use crate::common::{Api, err, ok};
use crate::remote::png;

#[asym::clone("slack", seed = "acme-corp")]
async fn list_info_and_lookup(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let list = slack.bot_ok("users.list", json!({"limit": 4})).await;
    let members = list["members"].as_array().unwrap();
    assert_eq!(members.len(), 4);
    assert_eq!(members[0]["name"], "admin");
    assert_eq!(members[0]["profile"]["email"], "admin@acme.test");
    let cursor = list["response_metadata"]["next_cursor"].as_str().unwrap();
    let rest = slack.bot_ok("users.list", json!({"cursor": cursor})).await;
    assert_eq!(rest["response_metadata"]["next_cursor"], "");
    assert_eq!(
        members.len() + rest["members"].as_array().unwrap().len(),
        10,
        "9 people and slackbot"
    );

    let bot = slack
        .bot_ok("users.info", json!({"user": "U0000000002"}))
        .await;
    assert_eq!(bot["user"]["is_bot"], true);
    assert_eq!(bot["user"]["profile"]["bot_id"], "B0000000001");
    assert!(bot["user"].get("locale").is_none());
    let args = json!({"user": "U0000000003", "include_locale": true});
    let localized = slack.bot_ok("users.info", args).await;
    assert_eq!(localized["user"]["locale"], "en-US");
    let listed = slack
        .bot_ok("users.list", json!({"limit": 1, "include_locale": true}))
        .await;
    assert_eq!(listed["members"][0]["locale"], "en-US");
    let dave = slack
        .bot_ok("users.info", json!({"user": "U0000000006"}))
        .await;
    assert_eq!(dave["user"]["tz"], "Europe/Berlin");
    assert_eq!(dave["user"]["tz_offset"], 3600);
    assert_eq!(dave["user"]["profile"]["status_emoji"], ":headphones:");

    let found = slack
        .bot_ok("users.lookupByEmail", json!({"email": "Carol@Acme.test"}))
        .await;
    assert_eq!(found["user"]["id"], "U0000000005");
    for (method, args, code) in [
        ("users.list", json!({"cursor": "!!"}), "invalid_cursor"),
        ("users.info", json!({"user": "U0NOPE"}), "user_not_found"),
        (
            "users.lookupByEmail",
            json!({"email": "nobody@acme.test"}),
            "users_not_found",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }

    // Without users:read.email, emails are hidden and lookups refused.
    let token = slack.mint("bot", None, Some(&["users:read"])).await;
    let info = slack
        .ok(&token, "users.info", json!({"user": "U0000000003"}))
        .await;
    assert!(info["user"]["profile"].get("email").is_none());
    let body = slack
        .missing_scope(
            &token,
            "users.lookupByEmail",
            json!({"email": "alice@acme.test"}),
        )
        .await;
    assert_eq!(body["needed"], "users:read.email");
}

#[asym::clone("slack", seed = "acme-corp")]
async fn profiles_and_presence(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let profile = slack
        .bot_ok("users.profile.get", json!({"user": "U0000000003"}))
        .await;
    assert_eq!(profile["profile"]["real_name"], "Alice Archer");
    assert_eq!(profile["profile"]["first_name"], "Alice");
    assert_eq!(profile["profile"]["status_text"], "In a meeting");
    let own = slack.user_ok("users.profile.get", json!({})).await;
    assert_eq!(own["profile"]["display_name"], "admin");

    let erin = slack
        .bot_ok("users.getPresence", json!({"user": "U0000000007"}))
        .await;
    assert_eq!(erin["presence"], "away");
    assert!(erin.get("online").is_none());
    let me = slack.user_ok("users.getPresence", json!({})).await;
    assert_eq!(me["presence"], "active");
    assert_eq!(me["online"], true);
    slack
        .bot_err(
            "users.getPresence",
            json!({"user": "U0NOPE"}),
            "user_not_found",
        )
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn profiles_and_presence_are_set(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let status = json!({"profile": {"status_text": "riding a train", "status_emoji": ":train:",
                                    "status_expiration": 1_900_000_000}});
    let set = slack.user_ok("users.profile.set", status).await;
    assert_eq!(set["profile"]["status_text"], "riding a train");
    assert_eq!(set["profile"]["status_expiration"], 1_900_000_000);
    let pair = json!({"name": "first_name", "value": "Ada"});
    slack.user_ok("users.profile.set", pair).await;
    let got = slack.user_ok("users.profile.get", json!({})).await;
    assert_eq!(got["profile"]["status_emoji"], ":train:");
    assert_eq!(got["profile"]["first_name"], "Ada");
    assert_eq!(got["profile"]["real_name"], "Ada Admin");
    // The owner's token may change someone else's profile; alice's may not.
    let other = json!({"user": "U0000000004", "profile": {"title": "Chef"}});
    slack.user_ok("users.profile.set", other.clone()).await;
    let info = slack
        .bot_ok("users.info", json!({"user": "U0000000004"}))
        .await;
    assert_eq!(info["user"]["profile"]["title"], "Chef");
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    slack
        .err(&alice, "users.profile.set", other, "not_admin")
        .await;
    for (args, code) in [
        (json!({"profile": "{oops"}), "invalid_profile"),
        (json!({}), "invalid_profile"),
        (
            json!({"profile": {"email": "bob@acme.test"}}),
            "email_taken",
        ),
    ] {
        slack.user_err("users.profile.set", args, code).await;
    }
    let profile = json!({"profile": {"status_text": "x"}});
    slack
        .bot_err("users.profile.set", profile, "not_allowed_token_type")
        .await;

    // The owner sets their presence; they, then the bot, read it back.
    for (presence, reader, shown) in [
        ("away", slack.user_token(), "away"),
        ("auto", slack.bot_token(), "active"),
    ] {
        let set = json!({"presence": presence});
        slack.user_ok("users.setPresence", set).await;
        let get = json!({"user": "U0000000001"});
        let got = slack.ok(reader, "users.getPresence", get).await;
        assert_eq!(got["presence"], shown, "set {presence}");
    }
    let bad = json!({"presence": "busy"});
    slack
        .user_err("users.setPresence", bad, "invalid_presence")
        .await;
}

/// The avatar at `url` as the clone serves it to anyone: its status and content type.
async fn avatar(slack: &Api<'_>, url: &Value) -> (u16, String) {
    let reply = slack
        .anonymous()
        .get(slack.path_of(url.as_str().unwrap()))
        .await;
    let kind = reply
        .headers
        .get("content-type")
        .map_or("", |v| v.to_str().unwrap());
    (reply.status, kind.to_owned())
}

/// `users.setPhoto` and `users.deletePhoto`: a person's own photo, shown in their profile at
/// avatar URLs anyone may fetch, announced with `user_change`; Slack's errors.
#[asym::clone("slack", seed = "basic")]
async fn people_set_and_delete_their_photo(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let receiver = crate::events::subscribe(&slack, 0, json!(["user_change"])).await;
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    let image = png(600, 600);
    let set = ok(slack
        .multipart(
            &alice,
            "users.setPhoto",
            &[("image", Some("me.png"), &image)],
        )
        .await);
    let profile = |user: Value| user["user"]["profile"].clone();
    let shown = profile(
        slack
            .bot_ok("users.info", json!({"user": "U0000000003"}))
            .await,
    );
    // The answer names the new photo as the profile shows it: its hash and URLs.
    let answered = set["profile"].as_object().unwrap();
    assert_eq!(answered.len(), 9, "{set}");
    for (field, value) in answered {
        assert_eq!(&shown[field], value, "{field}: {set} against {shown}");
    }
    assert_eq!(shown["is_custom_image"], true, "{shown}");
    let url = shown["image_512"].as_str().unwrap().to_owned();
    assert!(
        url.ends_with("_512.png") && url.contains("/avatars/U0000000003-"),
        "{url}"
    );
    assert!(
        url.contains(shown["avatar_hash"].as_str().unwrap()),
        "{shown}"
    );
    assert!(
        shown["image_original"]
            .as_str()
            .unwrap()
            .ends_with("_original.png")
    );
    assert_eq!(
        avatar(&slack, &shown["image_512"]).await,
        (200, "image/png".into())
    );
    let event = crate::events::next_event(&receiver).await;
    assert_eq!(
        event["user"]["profile"]["image_512"],
        url.as_str(),
        "{event}"
    );

    // A GIF replaces it, under new URLs; cropped to a square inside the image.
    let gif = b"GIF89a\x00\x02\x00\x02\x00\x00\x00".to_vec();
    let parts = [
        ("image", Some("me.gif"), gif.as_slice()),
        ("crop_x", None, b"10".as_slice()),
        ("crop_y", None, b"0".as_slice()),
        ("crop_w", None, b"500".as_slice()),
    ];
    ok(slack.multipart(&alice, "users.setPhoto", &parts).await);
    let args = json!({"user": "U0000000003"});
    let again = slack.user_ok("users.profile.get", args).await["profile"].clone();
    assert!(
        again["image_72"].as_str().unwrap().ends_with("_72.gif"),
        "{again}"
    );
    assert_eq!(
        avatar(&slack, &again["image_72"]).await,
        (200, "image/gif".into())
    );
    assert_eq!(avatar(&slack, &shown["image_512"]).await.0, 404);

    ok(slack.call(&alice, "users.deletePhoto", json!({})).await);
    let plain = profile(
        slack
            .bot_ok("users.info", json!({"user": "U0000000003"}))
            .await,
    );
    assert!(plain.get("is_custom_image").is_none(), "{plain}");
    assert!(
        plain["image_512"].as_str().unwrap().contains("gravatar"),
        "{plain}"
    );
    assert_eq!(avatar(&slack, &again["image_72"]).await.0, 404);
    ok(slack.call(&alice, "users.deletePhoto", json!({})).await);

    let text = b"not an image".as_slice();
    let huge = png(20_000, 10);
    let square = png(100, 100);
    for (parts, error) in [
        (vec![("image", Some("a.txt"), text)], "bad_image"),
        (
            vec![("image", Some("big.png"), huge.as_slice())],
            "too_large",
        ),
        (
            vec![("crop_w", None, b"10".as_slice())],
            "invalid_arguments",
        ),
        (
            vec![
                ("image", Some("a.png"), square.as_slice()),
                ("crop_w", None, b"10".as_slice()),
            ],
            "invalid_arguments",
        ),
        (
            vec![
                ("image", Some("a.png"), square.as_slice()),
                ("crop_x", None, b"50".as_slice()),
                ("crop_y", None, b"0".as_slice()),
                ("crop_w", None, b"60".as_slice()),
            ],
            "invalid_arguments",
        ),
    ] {
        err(
            slack.multipart(&alice, "users.setPhoto", &parts).await,
            error,
        );
    }
    let one = [("image", Some("a.png"), square.as_slice())];
    err(
        slack
            .multipart(slack.bot_token(), "users.setPhoto", &one)
            .await,
        "not_allowed_token_type",
    );
    slack
        .bot_err("users.deletePhoto", json!({}), "not_allowed_token_type")
        .await;
    let reader = slack
        .mint("user", Some("U0000000003"), Some(&["users:read"]))
        .await;
    let refused = err(
        slack.multipart(&reader, "users.setPhoto", &one).await,
        "missing_scope",
    );
    assert_eq!(refused["needed"], "users.profile:write");
    slack
        .missing_scope(&reader, "users.deletePhoto", json!({}))
        .await;
}
