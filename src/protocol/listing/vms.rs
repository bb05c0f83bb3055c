use super::{LineResult, ListingContext};
pub(crate) fn parse_line(_line: &[u8], _ctx: &ListingContext) -> Option<LineResult> {
    None
}
pub(crate) fn parse_joined(
    _line: &[u8],
    _next: &[u8],
    _ctx: &ListingContext,
) -> Option<LineResult> {
    None
}
