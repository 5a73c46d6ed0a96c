//! Label retirement: `issueLabelRetire` keeps a label visible and on its issues but refuses it
//! to a new issue; `issueLabelRestore` makes it usable again.

use serde_json::json;

use crate::{ADA, ENG, ask, client, invalid_argument, mutate, with_id};

/// ENG's seeded "Bug" label, on ENG-4.
const BUG: &str = "e0000000-0000-4000-8000-000000000001";

#[asym::clone("linear", seed = "basic")]
async fn a_retired_label_stays_on_its_issues_but_not_on_a_new_one(linear: asym::Linear) {
    let api = client(&linear);
    let retire = "mutation($id: String!) { issueLabelRetire(id: $id) {
        success lastSyncId issueLabel { id name retiredBy { id } } } }";
    let retired = with_id(&api, retire, BUG).await;
    let label = &retired["issueLabelRetire"]["issueLabel"];
    assert_eq!(retired["issueLabelRetire"]["success"], true);
    assert_eq!(label["retiredBy"]["id"], ADA);
    let kept = ask(
        &api,
        "{ issue(id: \"ENG-4\") { labels { nodes { id } } } issueLabels { nodes { id } } }",
    )
    .await;
    assert_eq!(
        kept["issue"]["labels"]["nodes"],
        json!([{"id": BUG}]),
        "its issues keep it"
    );
    assert!(
        kept["issueLabels"]["nodes"]
            .as_array()
            .unwrap()
            .contains(&json!({"id": BUG})),
        "still listed"
    );
    let create = "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success } }";
    let input = json!({"input": {"teamId": ENG, "title": "Crash", "labelIds": [BUG]}});
    let refusal = "A retired label cannot be applied to a new issue.";
    invalid_argument(&api, create, input.clone(), refusal).await;
    let restore = "mutation($id: String!) { issueLabelRestore(id: $id) {
        success issueLabel { retiredBy { id } } } }";
    let restored = with_id(&api, restore, BUG).await;
    assert!(restored["issueLabelRestore"]["issueLabel"]["retiredBy"].is_null());
    mutate(&api, create, input).await;
}
