//! Fuzz target: URL/host classification (`host::parse` + `attribution::classify`). Beyond "never panics", it checks
//! that normalisation is idempotent: a host's normalised name parses to the same host.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whither::{attribution, host};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let Ok(a) = attribution::classify(&input) else {
        return;
    };
    if let Ok(h) = host::parse(&input) {
        if h.kind != host::HostKind::NonNetwork {
            assert_eq!(
                host::parse(&h.name).as_ref(),
                Ok(&h),
                "not idempotent: {input:?}"
            );
        }
        assert_eq!(a.host, h.name);
    }
});
