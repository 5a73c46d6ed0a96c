//! One module per verb.

pub(crate) mod destroy;
pub(crate) mod images;
pub(crate) mod logs;
pub(crate) mod reset;
pub(crate) mod spin;
pub(crate) mod start;
pub(crate) mod status;
pub(crate) mod stop;
