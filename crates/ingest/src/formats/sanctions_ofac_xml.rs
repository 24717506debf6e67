//! OFAC's classic SDN XML (`sdnList` / `sdnEntry`): one record per entry, at its element,
//! as a `sanction:us_ofac_sdn:{uid}` entity (see `sanctions_list`).

use unmask_screen::sources::{parse_ofac_xml, OFAC_LIST};
use unmask_screen::ListFormat;

use super::sanctions_list::{self, Locator};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct OfacSdnXml;

impl Format for OfacSdnXml {
    fn name(&self) -> &'static str {
        "ofac-sdn-xml"
    }

    fn description(&self) -> &'static str {
        "OFAC SDN list, classic XML (sdnList/sdnEntry)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        (unmask_screen::sniff(&sample.file_name(), sample.head)? == ListFormat::OfacXml)
            .then_some(95)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let data = sanctions_list::read_all(input)?;
        let output = parse_ofac_xml(&data, OFAC_LIST).map_err(|e| ReadError::Invalid {
            path: input.path.to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        sanctions_list::emit(
            self.name(),
            &data,
            output,
            &Locator {
                open: &["<sdnEntry"],
                close: &["</sdnEntry>"],
            },
            |e| vec![format!("<uid>{}</uid>", e.id)],
            |_| true,
            sink,
        )
    }
}
