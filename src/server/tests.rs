//! The state machine through [`super::replay`]: a scripted client's bytes, the server's messages.

use crate::bolt::frame_into;
use crate::bolt::packstream::{decode, encode, Pack};

fn message(tag: u8, fields: Vec<Pack>) -> Vec<u8> {
    let (mut body, mut out) = (Vec::new(), Vec::new());
    encode(&mut body, &Pack::Struct(tag, fields));
    frame_into(&mut out, &body);
    out
}

fn session(version: [u8; 4], messages: &[Vec<u8>]) -> (Vec<u8>, Vec<(u8, Vec<Pack>)>) {
    let mut bytes = vec![0x60, 0x60, 0xB0, 0x17];
    bytes.extend_from_slice(&version);
    bytes.extend_from_slice(&[0; 12]);
    messages.iter().for_each(|m| bytes.extend_from_slice(m));
    replies(&super::replay(&bytes))
}

/// The version the server chose, and its messages.
fn replies(out: &[u8]) -> (Vec<u8>, Vec<(u8, Vec<Pack>)>) {
    let (chosen, mut rest) = (out[..4].to_vec(), &out[4..]);
    let mut replies = Vec::new();
    let mut body = Vec::new();
    while rest.len() >= 2 {
        let n = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        rest = &rest[2..];
        if n == 0 {
            match decode(&body).unwrap() {
                Pack::Struct(tag, fields) => replies.push((tag, fields)),
                other => panic!("{other:?}"),
            }
            body.clear();
            continue;
        }
        body.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
    }
    (chosen, replies)
}

fn run(q: &str) -> Vec<u8> {
    message(0x10, vec![Pack::str(q), Pack::map([]), Pack::map([])])
}

fn pull(n: i64, qid: i64) -> Vec<u8> {
    message(0x3F, vec![Pack::map([("n", Pack::Int(n)), ("qid", Pack::Int(qid))])])
}

fn hello() -> Vec<u8> {
    message(0x01, vec![Pack::map([("user_agent", Pack::str("test/1"))])])
}

fn logon() -> Vec<u8> {
    message(0x6A, vec![Pack::map([("scheme", Pack::str("none"))])])
}

const SUCCESS: u8 = 0x70;
const RECORD: u8 = 0x71;
const IGNORED: u8 = 0x7E;
const FAILURE: u8 = 0x7F;

fn tags(replies: &[(u8, Vec<Pack>)]) -> Vec<u8> {
    replies.iter().map(|(t, _)| *t).collect()
}

fn meta<'a>(reply: &'a (u8, Vec<Pack>), key: &str) -> Option<&'a Pack> {
    reply.1.first().and_then(Pack::as_map).and_then(|m| m.get(key))
}

#[test]
fn a_result_streams_in_pulls_and_is_put_aside_for_the_next_query_of_its_transaction() {
    let (v, r) = session(
        [0, 2, 4, 5],
        &[
            hello(),
            logon(),
            message(0x11, vec![Pack::map([])]),
            run("UNWIND range(1, 5) AS i RETURN i"),
            pull(2, -1),
            run("CREATE (:A) RETURN 7 AS seven"),
            pull(-1, 0),
            pull(-1, 1),
            message(0x12, vec![]),
            run("MATCH (a:A) RETURN count(a) AS n"),
            pull(-1, -1),
            message(0x02, vec![]),
        ],
    );
    assert_eq!(v, [0, 0, 4, 5]);
    let t = tags(&r);
    // HELLO, LOGON, BEGIN, RUN; two rows and has_more; RUN; three rows; one row; COMMIT; RUN, one row.
    assert_eq!(
        t,
        [
            SUCCESS, SUCCESS, SUCCESS, SUCCESS, RECORD, RECORD, SUCCESS, SUCCESS, RECORD, RECORD, RECORD, SUCCESS,
            RECORD, SUCCESS, SUCCESS, SUCCESS, RECORD, SUCCESS
        ]
    );
    assert_eq!(meta(&r[6], "has_more"), Some(&Pack::Bool(true)));
    assert_eq!(meta(&r[7], "qid"), Some(&Pack::Int(1)));
    assert_eq!(r[10].1, vec![Pack::List(vec![Pack::Int(5)])]);
    assert_eq!(r[12].1, vec![Pack::List(vec![Pack::Int(7)])]);
    assert!(meta(&r[14], "bookmark").is_some());
    assert_eq!(r[16].1, vec![Pack::List(vec![Pack::Int(1)])]);
}

#[test]
fn a_failure_ignores_what_follows_until_reset_and_discard_stops_a_result() {
    let (_, r) = session(
        [0, 0, 4, 4],
        &[
            message(0x01, vec![Pack::map([("user_agent", Pack::str("t")), ("scheme", Pack::str("none"))])]),
            run("RETURN $missing AS x"),
            pull(-1, -1),
            run("RETURN 1"),
            message(0x0F, vec![]),
            run("UNWIND range(1, 1000000) AS i RETURN i"),
            pull(3, -1),
            message(0x2F, vec![Pack::map([("n", Pack::Int(-1))])]),
            run("RETURN 1 AS one"),
            pull(-1, -1),
        ],
    );
    assert_eq!(
        tags(&r),
        [
            SUCCESS, SUCCESS, FAILURE, IGNORED, SUCCESS, SUCCESS, RECORD, RECORD, RECORD, SUCCESS, SUCCESS, SUCCESS,
            RECORD, SUCCESS
        ]
    );
    assert_eq!(meta(&r[2], "code"), Some(&Pack::str("Neo.ClientError.Statement.ParameterMissing")));
    assert_eq!(meta(&r[10], "has_more"), None, "DISCARD ends the result");
}

#[test]
fn no_version_in_common_and_requests_before_logon_are_refused() {
    let (v, r) = session([0, 0, 0, 3], &[hello()]);
    assert_eq!((v, r.len()), (vec![0, 0, 0, 0], 0));
    let (_, r) = session([0, 0, 4, 5], &[hello(), run("RETURN 1")]);
    assert_eq!(tags(&r), [SUCCESS, FAILURE]);
    let (_, r) = session([0, 0, 4, 5], &[hello(), logon(), message(0x55, vec![])]);
    assert_eq!(tags(&r), [SUCCESS, SUCCESS, FAILURE]);
}

#[test]
fn a_reset_while_a_huge_result_streams_stops_it_at_once() {
    // (Were the rest made into memory first, the statement's one-second limit would fail it.)
    let (_, r) = session(
        [0, 0, 4, 5],
        &[
            hello(),
            logon(),
            run("UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b UNWIND range(1, 1000) AS c RETURN a, b, c"),
            pull(2, -1),
            message(0x0F, vec![]),
            run("RETURN 'after' AS a"),
            pull(-1, -1),
        ],
    );
    assert_eq!(tags(&r), [SUCCESS, SUCCESS, SUCCESS, RECORD, RECORD, SUCCESS, SUCCESS, SUCCESS, RECORD, SUCCESS]);
    assert_eq!(r[8].1, vec![Pack::List(vec![Pack::str("after")])]);
}

#[test]
fn an_auto_commit_querys_time_limit_is_its_own_and_not_the_next_ones() {
    let slow = "UNWIND range(1, 200000) AS i WITH sum(i) AS s RETURN s";
    let limited = message(0x10, vec![Pack::str(slow), Pack::map([]), Pack::map([("tx_timeout", Pack::Int(1))])]);
    let (_, r) = session(
        [0, 0, 4, 5],
        &[hello(), logon(), limited, pull(-1, -1), message(0x0F, vec![]), run(slow), pull(-1, -1)],
    );
    assert_eq!(tags(&r), [SUCCESS, SUCCESS, SUCCESS, FAILURE, SUCCESS, SUCCESS, RECORD, SUCCESS]);
    assert_eq!(
        meta(&r[3], "code"),
        Some(&Pack::str("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"))
    );
    assert_eq!(r[6].1, vec![Pack::List(vec![Pack::Int(200000 * 200001 / 2)])]);
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn pack() -> impl Strategy<Value = Pack> {
        let leaf = prop_oneof![
            Just(Pack::Null),
            any::<bool>().prop_map(Pack::Bool),
            any::<i64>().prop_map(Pack::Int),
            any::<f64>().prop_map(Pack::Float),
            "[a-z$ ()]{0,12}".prop_map(Pack::String),
            prop::sample::select(vec![
                "RETURN 1",
                "MATCH (n) RETURN n",
                "CREATE (:A)",
                "UNWIND range(1, 9) AS i RETURN i"
            ])
            .prop_map(Pack::str),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Pack::List),
                prop::collection::vec(("[a-z_]{1,8}", inner.clone()), 0..4)
                    .prop_map(|kv| Pack::Map(kv.into_iter().collect())),
                (any::<u8>(), prop::collection::vec(inner, 0..4)).prop_map(|(t, f)| Pack::Struct(t, f)),
            ]
        })
    }

    fn tag() -> impl Strategy<Value = u8> {
        prop_oneof![
            prop::sample::select(vec![0x01u8, 0x02, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x2F, 0x3F, 0x54, 0x66, 0x6A, 0x6B]),
            any::<u8>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Any sequence of messages with any fields: the server answers or closes; it never panics.
        #[test]
        fn any_messages_get_answers_not_panics(msgs in prop::collection::vec((tag(), prop::collection::vec(pack(), 0..4)), 0..8)) {
            let mut all = vec![hello(), logon()];
            all.extend(msgs.into_iter().map(|(t, f)| message(t, f)));
            let (v, _) = session([0, 0, 4, 5], &all);
            prop_assert_eq!(v, vec![0, 0, 4, 5]);
        }

        /// Any bytes after the handshake.
        #[test]
        fn any_bytes_get_answers_not_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let mut input = vec![0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            input.extend_from_slice(&bytes);
            let out = crate::server::replay(&input);
            prop_assert!(out.starts_with(&[0, 0, 4, 5]));
        }
    }
}

/// A stream that hands out one piece per read and holds the others as TLS may: buffered,
/// with nothing more on the socket.
struct Pieces {
    pieces: std::collections::VecDeque<Vec<u8>>,
    out: Box<dyn super::conn::Stream>,
}

impl std::io::Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(p) = self.pieces.front_mut() else { return Ok(0) };
        let n = buf.len().min(p.len());
        buf[..n].copy_from_slice(&p[..n]);
        p.drain(..n);
        if p.is_empty() {
            self.pieces.pop_front();
        }
        Ok(n)
    }
}

impl std::io::Write for Pieces {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl super::conn::Stream for Pieces {
    fn buffered(&mut self) -> std::io::Result<bool> {
        Ok(!self.pieces.is_empty())
    }
}

#[test]
fn a_connection_parks_only_once_its_stream_holds_nothing_more() {
    let mut handshake = vec![0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5];
    handshake.extend_from_slice(&[0; 12]);
    let pieces = [handshake, hello(), logon(), run("RETURN 1 AS n"), pull(-1, -1), run("RETURN 2 AS n"), pull(-1, -1)];
    let mut parked = false;
    let out = super::replay_with(&[], |server, out| {
        let io = Pieces { pieces: pieces.into_iter().collect(), out };
        let mut c = super::conn::Conn::new(Box::new(io), server.clone(), 0, "pieces".into());
        c.parking();
        parked = c.turn().is_none();
    });
    assert!(parked);
    let (_, replies) = replies(&out);
    assert_eq!(tags(&replies), [SUCCESS, SUCCESS, SUCCESS, RECORD, SUCCESS, SUCCESS, RECORD, SUCCESS]);
    assert_eq!(replies[3].1, vec![Pack::List(vec![Pack::Int(1)])]);
    assert_eq!(replies[6].1, vec![Pack::List(vec![Pack::Int(2)])]);
}
