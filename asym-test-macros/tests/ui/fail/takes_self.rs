struct Suite;

impl Suite {
    #[asym::clone("slack")]
    async fn posts(&self, slack: asym::Slack) {
        let _ = slack;
    }
}

fn main() {}
