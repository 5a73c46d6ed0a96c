-- conversations.history reads its page in the statement that resolves the caller and the
-- channel (see the backend's `history` module), so the page function is gone.

DROP FUNCTION slack_history(text, numeric, numeric, boolean, numeric, boolean, int);
