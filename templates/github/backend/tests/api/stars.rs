//! Starring: star, check, unstar as the caller; stargazers and starred lists (with
//! `starred_at` under `application/vnd.github.star+json`); the repository's counts; the
//! `star` and `watch` webhooks; and the errors.

use serde_json::json;

use crate::common::{
    REPO, anonymous, api, app, delivered, error, fetch, listen, names, names_at, reviewer,
};

/// `application/vnd.github.star+json`, as PyGithub's `get_stargazers_with_dates` asks.
const STAR_JSON: &str = "application/vnd.github.v3.star+json";

#[asym::clone("github", seed = "basic")]
async fn stars_are_given_checked_listed_counted_announced_and_taken_back(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let receiver = listen(&owner, &["star", "watch"]).await;
    let starred = "/user/starred/acme/hello-world";
    error(owner.get(starred).await, 404);
    assert_eq!(fetch(&owner, REPO).await["stargazers_count"], 0);

    owner.put(starred, &json!(null)).await.expect(204);
    let star = delivered(&receiver, "star").await;
    assert_eq!(star.json()["action"], "created");
    assert!(star.json()["starred_at"].is_string());
    assert_eq!(star.json()["sender"]["login"], "octocat");
    let watch = delivered(&receiver, "watch").await;
    assert_eq!(watch.json()["action"], "started");
    assert_eq!(watch.json()["repository"]["stargazers_count"], 1);
    // Starring again changes nothing and announces nothing.
    owner.put(starred, &json!(null)).await.expect(204);
    hubot.put(starred, &json!(null)).await.expect(204);
    receiver.delivery().await;
    receiver.delivery().await;
    owner.get(starred).await.expect(204);

    let repo = fetch(&owner, REPO).await;
    assert_eq!(
        (
            &repo["stargazers_count"],
            &repo["watchers_count"],
            &repo["watchers"]
        ),
        (&json!(2), &json!(2), &json!(2))
    );
    let gazers = fetch(&anonymous(&gh), &format!("{REPO}/stargazers")).await;
    assert_eq!(names(&gazers, "login"), ["octocat", "hubot"]);
    let dated = owner
        .clone()
        .with_header("Accept", STAR_JSON)
        .get(&format!("{REPO}/stargazers?per_page=1&page=2"))
        .await;
    assert!(dated.header("link").unwrap().contains("rel=\"prev\""));
    let dated = dated.expect(200);
    assert_eq!(dated[0]["user"]["login"], "hubot");
    assert!(dated[0]["starred_at"].is_string());

    let mine = fetch(&owner, "/user/starred").await;
    assert_eq!(names(&mine, "full_name"), ["acme/hello-world"]);
    let theirs = reviewer(&gh)
        .with_header("Accept", STAR_JSON)
        .get("/users/octocat/starred")
        .await
        .expect(200);
    assert_eq!(theirs[0]["repo"]["full_name"], "acme/hello-world");
    assert!(theirs[0]["starred_at"].is_string());
    assert_eq!(
        fetch(&anonymous(&gh), "/users/hubot/starred").await[0]["stargazers_count"],
        2
    );

    owner.delete(starred).await.expect(204);
    let unstar = receiver.delivery().await;
    assert_eq!(
        (
            unstar.header("x-github-event"),
            &unstar.json()["action"],
            &unstar.json()["starred_at"]
        ),
        (Some("star"), &json!("deleted"), &json!(null))
    );
    owner.delete(starred).await.expect(204);
    error(owner.get(starred).await, 404);
    assert_eq!(fetch(&owner, REPO).await["stargazers_count"], 1);
    assert_eq!(fetch(&owner, "/user/starred").await, json!([]));
}

#[asym::clone("github", seed = "basic")]
async fn starring_needs_a_user_and_a_repository_they_can_see(gh: asym::GitHub) {
    let starred = "/user/starred/acme/hello-world";
    error(anonymous(&gh).put(starred, &json!(null)).await, 401);
    error(anonymous(&gh).get("/user/starred").await, 401);
    error(app(&gh).put(starred, &json!(null)).await, 403);
    error(
        api(&gh).put("/user/starred/acme/nope", &json!(null)).await,
        404,
    );
    error(
        reviewer(&gh)
            .put("/user/starred/octocat/private-notes", &json!(null))
            .await,
        404,
    );
    error(anonymous(&gh).get("/repos/acme/nope/stargazers").await, 404);
    error(anonymous(&gh).get("/users/nobody/starred").await, 404);
    error(api(&gh).get("/user/starred?sort=stars").await, 422);
    // A private repository's star is listed only to those who can see it.
    api(&gh)
        .put("/user/starred/octocat/private-notes", &json!(null))
        .await
        .expect(204);
    assert_eq!(
        names_at(&api(&gh), "/users/octocat/starred", "full_name").await,
        ["octocat/private-notes"]
    );
    assert_eq!(
        fetch(&anonymous(&gh), "/users/octocat/starred").await,
        json!([])
    );
}
