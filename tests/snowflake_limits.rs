//! Both ends of every numeric range of Snowflake IDs, at max − 1, max and
//! max + 1: field widths, time unit, epoch, timestamps (construction, issue,
//! compose), machine IDs, sequence numbers and IDs.

use quorumkit::snowflake::{
    parse_id, FieldOrder, GenerateError, Layout, Parts, Sequencer, MAX_ID, MAX_TIMESTAMP_MS,
};

const DAY_MS: u64 = 86_400_000;

fn param(r: Result<Layout, quorumkit::ArgError>) -> String {
    r.map(|_| String::new())
        .unwrap_or_else(|e| e.param.into_owned())
}

#[test]
fn field_widths() {
    // Each width is checked on its own first: 1..=61.
    let custom = |t, m, s| Layout::custom(t, m, s, 0, 1, FieldOrder::default());
    assert_eq!(param(custom(0, 31, 32)), "timestampBits");
    assert_eq!(param(custom(41, 0, 22)), "machineBits");
    assert_eq!(param(custom(41, 22, 0)), "sequenceBits");
    for (field, w) in [("machineBits", 62u8), ("sequenceBits", 62)] {
        let r = if field == "machineBits" {
            custom(41, w, 12)
        } else {
            custom(41, 10, w)
        };
        assert_eq!(
            r.unwrap_err().to_string(),
            format!("{field} must be an integer in 1..=61, got 62")
        );
    }
    // 61 passes the width check; the sum then fails.
    assert_eq!(param(custom(41, 61, 12)), "layout");
    // Widths sum to 63: 62 and 64 fail.
    assert_eq!(param(custom(41, 10, 11)), "layout");
    assert_eq!(param(custom(41, 10, 12)), "");
    assert_eq!(param(custom(41, 10, 13)), "layout");
    // In ms, the timestamp field spans a year (2^35 ms) to 2^53 ms.
    for (t, ok) in [
        (34u8, false),
        (35, true),
        (36, true),
        (52, true),
        (53, true),
        (54, false),
    ] {
        let r = custom(t, 1, 62 - t);
        assert_eq!(param(r), if ok { "" } else { "timestampBits" }, "t {t}");
    }
    // With a one-day unit, 9 bits span 1.4 years, so a field has at most 53
    // bits of sequence; 8 bits of days are too few.
    let daily = |t, m, s| Layout::custom(t, m, s, 0, DAY_MS, FieldOrder::default());
    assert_eq!(param(daily(9, 1, 53)), "");
    assert_eq!(param(daily(9, 2, 52)), "");
    assert_eq!(param(daily(8, 1, 54)), "timestampBits");
    assert_eq!(daily(9, 1, 53).unwrap().max_sequence(), (1 << 53) - 1);
}

#[test]
fn time_unit_and_epoch() {
    // 41 bits of ms for the low end, 20 bits of days for the high end.
    let with_unit = |t, unit| Layout::custom(t, 21, 63 - 21 - t, 0, unit, FieldOrder::default());
    for (t, unit, ok) in [
        (41, 0, false),
        (41, 1, true),
        (41, 2, true),
        (20, DAY_MS - 1, true),
        (20, DAY_MS, true),
        (20, DAY_MS + 1, false),
    ] {
        assert_eq!(
            param(with_unit(t, unit)),
            if ok { "" } else { "timeUnit" },
            "unit {unit}"
        );
    }
    // The default layout's last epoch ends its field exactly at 2^53 - 1 ms.
    let last = (1u64 << 53) - (1 << 41);
    for (epoch, ok) in [
        (0, true),
        (1, true),
        (last - 1, true),
        (last, true),
        (last + 1, false),
    ] {
        let r = Layout::DEFAULT.with_epoch(epoch);
        assert_eq!(param(r), if ok { "" } else { "epoch" }, "epoch {epoch}");
    }
    assert_eq!(
        Layout::DEFAULT.with_epoch(last).unwrap().end_ms(),
        MAX_TIMESTAMP_MS
    );
}

#[test]
fn timestamps() {
    let l = Layout::DEFAULT;
    let (epoch, end) = (l.epoch(), l.end_ms());
    // Construction: the clock may read from the epoch to the layout's end.
    for (now, ok) in [
        (epoch - 1, false),
        (epoch, true),
        (epoch + 1, true),
        (end - 1, true),
        (end, true),
        (end + 1, false),
    ] {
        let r = Sequencer::new(&l, 0, now);
        assert_eq!(r.is_ok(), ok, "now {now}");
        if let Err(e) = r {
            assert_eq!(e.param, "epoch");
        }
    }
    // Issuing: up to the last tick's sequence, then exhausted for good.
    let mut s = Sequencer::new(&l, 0, end - 1).unwrap();
    assert!(s.try_next_at(end - 1).is_ok());
    let last = s.try_next_at(end).unwrap();
    assert_eq!(l.decode(last).unwrap().timestamp, end);
    let exhausted = Err(GenerateError::TimestampExhausted { end_ms: end });
    assert_eq!(s.try_next_at(end + 1), exhausted);
    assert_eq!(s.try_next_at(MAX_TIMESTAMP_MS), exhausted);
    // Compose and id_at: epoch..=end.
    for (ts, ok) in [
        (epoch - 1, false),
        (epoch, true),
        (end - 1, true),
        (end, true),
        (end + 1, false),
    ] {
        let p = Parts {
            timestamp: ts,
            machine: 0,
            sequence: 0,
        };
        assert_eq!(l.compose(&p).is_ok(), ok, "ts {ts}");
        assert_eq!(l.id_at(ts).is_ok(), ok, "ts {ts}");
        if !ok {
            assert_eq!(l.compose(&p).unwrap_err().param, "timestamp");
        }
    }
}

#[test]
fn machine_ids_and_sequences() {
    const T: u64 = 1_700_000_000_000;
    for (name, l) in Layout::PRESETS {
        let (mm, ms) = (l.max_machine_id(), l.max_sequence());
        for (m, ok) in [(mm - 1, true), (mm, true), (mm + 1, false)] {
            let r = Sequencer::new(&l, m, T);
            assert_eq!(r.is_ok(), ok, "{name} machine {m}");
            if let Err(e) = r {
                assert_eq!(
                    e.to_string(),
                    format!("machineId must be an integer in 0..={mm}, got {m}")
                );
            }
            let p = Parts {
                timestamp: T,
                machine: m,
                sequence: 0,
            };
            assert_eq!(l.compose(&p).is_ok(), ok, "{name} machine {m}");
        }
        for (q, ok) in [(ms - 1, true), (ms, true), (ms + 1, false)] {
            let p = Parts {
                timestamp: T,
                machine: 0,
                sequence: q,
            };
            let r = l.compose(&p);
            assert_eq!(r.is_ok(), ok, "{name} sequence {q}");
            match r {
                Ok(id) => assert_eq!(l.decode(id).unwrap().sequence, q),
                Err(e) => assert_eq!(e.param, "sequence"),
            }
        }
        // A generator issues exactly max_sequence + 1 IDs per tick.
        let mut s = Sequencer::new(&l, 0, T).unwrap();
        let mut out = vec![0u64; ms as usize + 2];
        assert_eq!(s.try_fill_at(T, &mut out), Ok(ms as usize + 1), "{name}");
        assert!(matches!(
            s.try_next_at(T),
            Err(GenerateError::WouldBlock { .. })
        ));
    }
}

#[test]
fn ids() {
    let l = Layout::DEFAULT;
    for (id, ok) in [(MAX_ID - 1, true), (MAX_ID, true), (MAX_ID + 1, false)] {
        let r = l.decode(id);
        assert_eq!(r.is_ok(), ok, "id {id}");
        match r {
            Ok(p) => assert_eq!(l.compose(&p), Ok(id)),
            Err(e) => assert_eq!(e.param, "id"),
        }
        assert_eq!(parse_id(id.to_string().as_bytes()).is_ok(), ok, "id {id}");
    }
    assert_eq!(parse_id(b"9223372036854775807"), Ok(MAX_ID));
    assert_eq!(parse_id(b"9223372036854775808").unwrap_err().param, "id");
    assert_eq!(parse_id(b"0"), Ok(0));
}
