//! The UN Security Council consolidated list XML (`CONSOLIDATED_LIST`): one record per
//! `INDIVIDUAL` or `ENTITY`, at its element, as a `sanction:un_sc_sanctions:{reference}`
//! entity (DPRK entries carry `KPi.` / `KPe.` references); records without a name or a
//! reference are quarantined. See `sanctions_list`.

use unmask_screen::sources::{parse_un_xml, UN_LIST};
use unmask_screen::ListFormat;

use super::sanctions_list::{self, Locator};
use crate::{Format, Input, ReadError, Sample, Sink};

pub(crate) struct UnConsolidatedXml;

impl Format for UnConsolidatedXml {
    fn name(&self) -> &'static str {
        "un-consolidated-xml"
    }

    fn description(&self) -> &'static str {
        "UN Security Council consolidated sanctions list XML (CONSOLIDATED_LIST)"
    }

    fn sniff(&self, sample: &Sample<'_>) -> Option<u8> {
        (unmask_screen::sniff(&sample.file_name(), sample.head)? == ListFormat::UnXml).then_some(95)
    }

    fn read(&self, input: &mut Input<'_>, sink: &mut dyn Sink) -> Result<(), ReadError> {
        let data = sanctions_list::read_all(input)?;
        let output = parse_un_xml(&data, UN_LIST).map_err(|e| ReadError::Invalid {
            path: input.path.to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        sanctions_list::emit(
            self.name(),
            &data,
            output,
            &Locator {
                open: &["<INDIVIDUAL>", "<ENTITY>"],
                close: &["</INDIVIDUAL>", "</ENTITY>"],
            },
            |e| {
                vec![
                    format!("<REFERENCE_NUMBER>{}</REFERENCE_NUMBER>", e.id),
                    format!("<DATAID>{}</DATAID>", e.id),
                ]
            },
            |_| true,
            sink,
        )
    }
}
