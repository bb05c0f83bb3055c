use super::{LineResult, ListingContext};
pub(crate) fn parse_os2_line(_line: &[u8], _ctx: &ListingContext) -> Option<LineResult> {
    None
}
pub(crate) fn parse_vxworks_line(_line: &[u8], _ctx: &ListingContext) -> Option<LineResult> {
    None
}
