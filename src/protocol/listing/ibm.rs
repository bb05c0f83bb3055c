use super::{LineResult, ListingContext};
pub(crate) fn parse_as400_line(_line: &[u8], _ctx: &ListingContext) -> Option<LineResult> {
    None
}
pub(crate) fn parse_mvs_line(_line: &[u8], _ctx: &ListingContext) -> Option<LineResult> {
    None
}
