//! Results: `PULL` and `DISCARD` of a result's rows, made while the client pulls them (the
//! running query waits for the next message inside its sink), put aside when another message
//! comes first, and the closing `SUCCESS` with the statement's statistics.

use super::*;

impl Conn {
    /// `PULL` (or `DISCARD`) of `n` rows of a result.
    pub(super) fn pull(&mut self, pull: bool, extra: Option<&Pack>) -> Result<(), End> {
        let extra = extra.and_then(Pack::as_map);
        let n = extra.and_then(|m| m.get("n")).and_then(Pack::as_int).unwrap_or(-1);
        let qid = extra.and_then(|m| m.get("qid")).and_then(Pack::as_int).unwrap_or(-1);
        let at = if qid < 0 { self.results.iter().rposition(Option::is_some) } else { Some(qid as usize) };
        let Some(mut p) = at.and_then(|i| self.results.get_mut(i)).and_then(Option::take) else {
            let e = Error::runtime(Kind::TransactionError, Detail::None, "PULL or DISCARD with no result open");
            return self.failure(&e, "");
        };
        let at = at.unwrap_or(0);
        let mut n = if n < 0 { u64::MAX } else { n as u64 };
        if !pull {
            n = 0;
        }
        if p.buffered.is_none() {
            match self.stream(&mut p, at, pull, n) {
                Ok(Some(())) => {
                    // Put aside for another message; what is left stays buffered.
                    self.results[at] = Some(p);
                    return Ok(());
                }
                Ok(None) => {}
                Err(Streamed::Failed(e)) => return self.failure(&e, &p.query),
                Err(Streamed::End(end)) => return Err(end),
            }
            return self.finish(&p);
        }
        // A buffered result.
        let rows = p.buffered.as_mut().expect("checked");
        let mut sent = 0;
        while sent < n {
            let Some(row) = rows.pop_front() else { break };
            // (Already in chunks.)
            self.out.extend_from_slice(&row);
            sent += 1;
        }
        if !pull {
            rows.clear();
        }
        if !rows.is_empty() {
            self.results[at] = Some(p);
            return self.success(Pack::map([("has_more", Pack::Bool(true))]));
        }
        self.finish(&p)
    }

    /// The closing `SUCCESS` of a result.
    fn finish(&mut self, p: &Pending) -> Result<(), End> {
        let stats = p.summary.unwrap_or_default();
        let writes = p.prepared.1.writes();
        let kind = match (writes, p.prepared.1.columns.is_empty()) {
            (false, _) => "r",
            (true, true) => "w",
            (true, false) => "rw",
        };
        let mut meta = vec![
            ("type".to_string(), Pack::str(kind)),
            ("t_last".to_string(), Pack::Int(0)),
            ("db".to_string(), Pack::String(p.db.clone())),
        ];
        if !stats.is_empty() {
            // Bolt counts a removed property as one set (to null).
            let mut m: indexmap::IndexMap<String, Pack> = indexmap::IndexMap::new();
            for (k, v) in stats.fields().iter().chain(&stats.schema_fields()).filter(|(_, v)| *v > 0) {
                let e = m.entry(codes::stat_name(k).to_string()).or_insert(Pack::Int(0));
                if let Pack::Int(n) = e {
                    *n += *v as i64;
                }
            }
            m.insert("contains-updates".into(), Pack::Bool(true));
            meta.push(("stats".into(), Pack::Map(m)));
        }
        if self.tx_db.is_none() && writes {
            meta.push(("bookmark".into(), Pack::String(self.bookmark(&p.db))));
        }
        self.success(Pack::Map(meta.into_iter().collect()))
    }

    /// Makes and sends a result's rows, `n` at a time. `Ok(Some(()))`: another message came
    /// first, and the rest of the rows are buffered in `p` (or, when it was `RESET` or
    /// `GOODBYE`, dropped: `p` is left without rows, and that message is handled next).
    fn stream(&mut self, p: &mut Pending, at: usize, pull: bool, mut n: u64) -> Result<Option<()>, Streamed> {
        let client = self.clients.get_mut(&p.db).ok_or(Streamed::Failed(Error::runtime(
            Kind::DatabaseError,
            Detail::None,
            "the result's database went away",
        )))?;
        // The client is taken out so that the sink can use the connection.
        let mut client = std::mem::replace(client, Client::new(client.shared().clone()));
        let mut buffered: Option<std::collections::VecDeque<Vec<u8>>> = None;
        let mut stop = !pull;
        let mut end: Option<End> = None;
        let mut interrupted = false;
        let dialect = self.dialect;
        let mut sink = |g: &Graph, row: Row| -> crate::error::Result<bool> {
            if stop {
                return Ok(false);
            }
            let framed = record(&row, g, dialect);
            if let Some(b) = buffered.as_mut() {
                b.push_back(framed);
                return Ok(true);
            }
            if n == 0 {
                // The pulled rows are out: wait for what the client wants next.
                let r = self.success(Pack::map([("has_more", Pack::Bool(true))])).and_then(|()| self.flush());
                let next = r.and_then(|()| self.read_message());
                match next {
                    Ok((msg::PULL, f)) if same_result(f.first(), at) => {
                        let m = f.first().and_then(Pack::as_map);
                        let k = m.and_then(|m| m.get("n")).and_then(Pack::as_int).unwrap_or(-1);
                        n = if k < 0 { u64::MAX } else { k as u64 };
                    }
                    Ok((msg::DISCARD, f)) if same_result(f.first(), at) => {
                        stop = true;
                        return Ok(false);
                    }
                    Ok(other) if matches!(other.0, msg::RESET | msg::GOODBYE) => {
                        // The result is abandoned: stop making it, and handle the message.
                        self.stash = Some(other);
                        interrupted = true;
                        return Ok(false);
                    }
                    Ok(other) => {
                        self.stash = Some(other);
                        buffered = Some(std::collections::VecDeque::from([framed]));
                        return Ok(true);
                    }
                    Err(e) => {
                        end = Some(e);
                        return Err(Error::runtime(Kind::ResourceLimit, Detail::Cancelled, "the client went away"));
                    }
                }
            }
            self.out.extend_from_slice(&framed);
            if self.out.len() > 1 << 16 {
                if let Err(e) = self.flush() {
                    end = Some(e);
                    return Err(Error::runtime(Kind::ResourceLimit, Detail::Cancelled, "the client went away"));
                }
            }
            n -= 1;
            Ok(true)
        };
        let r = client.run(&p.prepared, &p.params, &mut sink);
        self.clients.insert(p.db.clone(), client);
        if let Some(e) = end {
            return Err(Streamed::End(e));
        }
        if interrupted {
            return Ok(Some(()));
        }
        let summary = r.map_err(Streamed::Failed)?;
        p.summary = Some(summary.stats);
        if let Some(b) = buffered {
            p.buffered = Some(b);
            return Ok(Some(()));
        }
        Ok(None)
    }

    /// Makes every result of the transaction not yet made, keeping their rows for later pulls.
    pub(super) fn drain_all(&mut self) -> Result<(), Error> {
        for i in 0..self.results.len() {
            let Some(mut p) = self.results[i].take() else { continue };
            if p.buffered.is_none() && p.summary.is_none() {
                let db = p.db.clone();
                let client = self.clients.get_mut(&db).expect("a result's client");
                let d = self.dialect;
                let mut rows = std::collections::VecDeque::new();
                let s = client.run(&p.prepared, &p.params, &mut |g, row| {
                    rows.push_back(record(&row, g, d));
                    Ok(true)
                })?;
                p.summary = Some(s.stats);
                p.buffered = Some(rows);
            }
            self.results[i] = Some(p);
        }
        Ok(())
    }
}

enum Streamed {
    Failed(Error),
    End(End),
}

/// Whether a PULL or DISCARD is for the result streaming, number `at` (no qid, or -1, means
/// the last one, which is the one streaming).
fn same_result(extra: Option<&Pack>, at: usize) -> bool {
    let qid = extra.and_then(Pack::as_map).and_then(|m| m.get("qid")).and_then(Pack::as_int).unwrap_or(-1);
    qid < 0 || qid as usize == at
}

/// A RECORD message of a row, in chunks (read from `g`, spelt as `d` says).
fn record(row: &Row, g: &Graph, d: Dialect) -> Vec<u8> {
    let mut body = Vec::new();
    struct_header(&mut body, msg::RECORD, 1);
    packstream::list_header(&mut body, row.len());
    row.iter().for_each(|v| values::write(&mut body, v, g, d));
    let mut out = Vec::with_capacity(body.len() + 4);
    frame_into(&mut out, &body);
    out
}
