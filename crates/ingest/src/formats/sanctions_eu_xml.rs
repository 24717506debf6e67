//! The EU financial sanctions XML (`export` / `sanctionEntity`): one record per
//! `sanctionEntity`, at its element, as a `sanction:eu_fsf:{logicalId}` entity. See
//! `sanctions_list`.

use unmask_screen::sources::{parse_eu_xml, EU_LIST};
use unmask_screen::ListFormat;

use super::sanctions_list::{self, Locator};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct EuSanctionsXml;

impl Format for EuSanctionsXml {
    fn name(&self) -> &'static str {
        "eu-sanctions-xml"
    }

    fn description(&self) -> &'static str {
        "EU financial sanctions list XML (export/sanctionEntity)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        (unmask_screen::sniff(&sample.file_name(), sample.head)? == ListFormat::EuXml).then_some(95)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let data = sanctions_list::read_all(input)?;
        let output = parse_eu_xml(&data, EU_LIST).map_err(|e| ReadError::Invalid {
            path: input.path.to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        sanctions_list::emit(
            self.name(),
            &data,
            output,
            &Locator {
                open: &["<sanctionEntity"],
                close: &["</sanctionEntity>"],
            },
            |e| vec![format!("logicalId=\"{}\"", e.id)],
            |_| true,
            sink,
        )
    }
}
