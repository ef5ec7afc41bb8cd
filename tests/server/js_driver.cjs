'use strict'
// `silkgraph serve` driven by Neo4j's official JavaScript driver (the `neo4j-driver` package).
//
// Run by tests/server/run.sh with NODE_PATH pointing at target/server-node/node_modules:
//
//     NODE_PATH=target/server-node/node_modules node tests/server/js_driver.cjs --bin target/release/silkgraph
//
// Prints one line per check, `ok - NAME` or `FAIL - NAME: WHY` (lines starting with `#` are
// comments: versions, timings, the server's log on a failure), then `# js_driver.cjs: done`.
// Every server it starts listens on a free port of 127.0.0.1 and is stopped before it exits.

const neo4j = require('neo4j-driver')
const childProcess = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')

const { Date: NDate, LocalTime, Time, LocalDateTime, DateTime, Duration } = neo4j.types

const ROOT = path.resolve(__dirname, '..', '..')
const QUESTIONS = path.join(ROOT, 'examples', 'analyst_questions.cypher')
const CHECK_TIMEOUT_MS = 90000

let BIN = process.env.SILKGRAPH_BIN || path.join(ROOT, 'target/release/silkgraph')
let TMP = null
let passed = 0
let failed = 0
const SERVERS = [] // every server started, so that an early exit still stops them
let CURRENT = [] // the servers of the running check, whose logs a failure prints
let OWNED = [] // the servers the running check started, stopped when it ends

const say = line => process.stdout.write(line + '\n')
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// ---- servers -------------------------------------------------------------------------------------

function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

class Server {
  constructor (args, name) {
    this.args = args
    this.name = name
  }

  static async start (args = [], name = 'server') {
    const s = new Server(args, name)
    await s.start()
    return s
  }

  async start () {
    let last = null
    for (let attempt = 0; attempt < 3; attempt++) { // another process may take the free port first
      this.port = await freePort()
      const n = SERVERS.length
      this.outPath = path.join(TMP, `${this.name}-${n}.out`)
      this.errPath = path.join(TMP, `${this.name}-${n}.err`)
      const out = fs.openSync(this.outPath, 'w')
      const err = fs.openSync(this.errPath, 'w')
      const cmd = ['serve', '--listen', `127.0.0.1:${this.port}`, ...this.args]
      this.proc = childProcess.spawn(BIN, cmd, { stdio: ['ignore', out, err] })
      fs.closeSync(out)
      fs.closeSync(err)
      this.exited = new Promise(resolve => this.proc.on('exit', (code, signal) => resolve(code ?? signal)))
      this.exitCode = undefined
      this.exited.then(c => { this.exitCode = c })
      SERVERS.push(this)
      OWNED.push(this)
      if (!CURRENT.includes(this)) CURRENT.push(this)
      const deadline = Date.now() + 30000
      while (Date.now() < deadline) {
        const text = fs.readFileSync(this.outPath, 'utf8')
        if (text.includes('\n')) {
          this.banner = text.split('\n')[0]
          return this
        }
        if (this.exitCode !== undefined) break
        await sleep(20)
      }
      last = `silkgraph ${cmd.join(' ')} printed no first line (exit ${this.exitCode}): ${this.stderr().slice(-500)}`
      this.kill()
    }
    throw new Error(last)
  }

  stderr () {
    try { return fs.readFileSync(this.errPath, 'utf8') } catch (e) { return '' }
  }

  uri (scheme = 'bolt') { return `${scheme}://127.0.0.1:${this.port}` }

  // SIGTERM, then wait; resolves to the exit code.
  async stop (timeoutMs = 30000) {
    if (this.exitCode === undefined) {
      this.proc.kill('SIGTERM')
      const code = await Promise.race([this.exited, sleep(timeoutMs).then(() => 'timeout')])
      if (code === 'timeout') {
        this.kill()
        throw new Error(`server did not exit within ${timeoutMs} ms of SIGTERM`)
      }
    }
    return this.exited
  }

  kill () {
    if (this.proc && this.exitCode === undefined && this.proc.exitCode === null && this.proc.signalCode === null) {
      try { this.proc.kill('SIGKILL') } catch (e) {}
    }
  }
}

function stopAll () {
  for (const s of SERVERS) s.kill()
}

function driver (uri, auth = neo4j.auth.basic('neo4j', 'any'), config = {}) {
  return neo4j.driver(uri, auth, {
    useBigInt: true,
    connectionTimeout: 10000,
    maxTransactionRetryTime: 10000,
    ...config
  })
}

// ---- checks --------------------------------------------------------------------------------------

class CheckFailure extends Error {}

function expect (cond, what) {
  if (!cond) throw new CheckFailure(what)
}

function show (v, n = 300) {
  let s
  try { s = stableStringify(v) } catch (e) { s = String(v) }
  return s.length <= n ? s : s.slice(0, n) + '...'
}

function expectEq (got, want, what = 'value') {
  if (stableStringify(got) !== stableStringify(want)) {
    throw new CheckFailure(`${what}: got ${show(got)}, want ${show(want)}`)
  }
}

async function expectError (fn, { code, codePart, messagePart } = {}) {
  try {
    await fn()
  } catch (e) {
    if (e instanceof CheckFailure) throw e
    if (code !== undefined && e.code !== code) throw new CheckFailure(`error code ${e.code}, want ${code} (${e.message})`)
    if (codePart !== undefined && !(e.code || '').includes(codePart)) {
      throw new CheckFailure(`error code ${e.code}, want one containing ${codePart} (${e.message})`)
    }
    if (messagePart !== undefined && !(e.message || '').includes(messagePart)) {
      throw new CheckFailure(`message ${JSON.stringify(e.message)} lacks ${JSON.stringify(messagePart)}`)
    }
    return e
  }
  throw new CheckFailure(`no error (want ${code || codePart || 'an error'})`)
}

async function check (name, fn) {
  CURRENT = []
  OWNED = []
  const t0 = Date.now()
  let timer
  try {
    await Promise.race([
      fn(),
      new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS)
      })
    ])
    passed++
    say(`ok - ${name}`)
  } catch (e) {
    failed++
    const why = `${e.constructor.name}${e.code ? ' ' + e.code : ''}: ${e.message}`.replace(/\n/g, ' | ')
    say(`FAIL - ${name}: ${why}`)
    const at = (e.stack || '').split('\n').find(l => l.includes('js_driver.cjs'))
    if (at) say(`#   ${at.trim()}`)
    for (const s of CURRENT) {
      const log = s.stderr().trim().split('\n').filter(Boolean)
      if (log.length) {
        say(`#   server stderr (${s.args.join(' ') || 'bundled graph'}), last lines:`)
        for (const line of log.slice(-12)) say(`#     ${line}`)
      }
    }
  } finally {
    clearTimeout(timer)
    for (const s of OWNED) s.kill()
    OWNED = []
    CURRENT = []
  }
  const took = (Date.now() - t0) / 1000
  if (took > 5) say(`#   (${name}: ${took.toFixed(1)} s)`)
}

// ---- comparing values ----------------------------------------------------------------------------

function stableStringify (v) {
  return JSON.stringify(v, (k, x) => {
    if (typeof x === 'bigint') return `${x}n`
    if (typeof x === 'number' && !Number.isFinite(x)) return `number:${x}`
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      return Object.fromEntries(Object.keys(x).sort().map(key => [key, x[key]]))
    }
    return x
  })
}

// Durations are compared by months, days, seconds and nanoseconds.
function isoDuration (s) {
  const m = /^(-)?P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)W)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+)(?:\.(\d+))?S)?)?$/.exec(s)
  if (!m) return ['unparsed duration', s]
  const n = x => BigInt(x || 0)
  const sign = m[1] ? -1n : 1n
  const months = sign * (n(m[2]) * 12n + n(m[3]))
  const days = sign * (n(m[4]) * 7n + n(m[5]))
  const secNeg = (m[8] || '').startsWith('-')
  let nanos = n(((m[9] || '') + '000000000').slice(0, 9))
  if (secNeg) nanos = -nanos
  const total = sign * ((n(m[6]) * 3600n + n(m[7]) * 60n + n(m[8])) * 1000000000n + nanos)
  return ['duration', months.toString(), days.toString(), total.toString()]
}

function durationFields (d) {
  const b = x => BigInt(x.toString())
  const total = b(d.seconds) * 1000000000n + b(d.nanoseconds)
  return ['duration', b(d.months).toString(), b(d.days).toString(), total.toString()]
}

// An ISO date or time with its fraction's trailing zeros dropped and +00:00 written Z.
function normalTemporal (s) {
  return s.replace(/\.(\d*?)0+(?=\D|$)/, (m, d) => (d ? '.' + d : '')).replace(/\+00:00$/, 'Z')
}

function temporalKind (v) {
  if (neo4j.isDate(v)) return 'date'
  if (neo4j.isLocalTime(v)) return 'localtime'
  if (neo4j.isTime(v)) return 'time'
  if (neo4j.isLocalDateTime(v)) return 'localdatetime'
  if (neo4j.isDateTime(v)) return 'datetime'
  return null
}

// A driver value as a comparable form: numbers keep their kind, nodes are labels and properties,
// relationships type and properties, paths their sequence.
function canon (v) {
  if (v === null || v === undefined) return null
  if (typeof v === 'boolean') return ['bool', v]
  if (typeof v === 'bigint') return ['int', v.toString()]
  if (neo4j.isInt(v)) return ['int', v.toString()]
  if (typeof v === 'number') return ['float', Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? v : String(v)]
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v.map(canon)
  if (neo4j.isNode(v)) return ['node', [...v.labels].sort(), canonMap(v.properties)]
  if (neo4j.isRelationship(v)) return ['rel', v.type, canonMap(v.properties)]
  if (neo4j.isPath(v)) {
    const out = [canon(v.start)]
    for (const seg of v.segments) out.push(canon(seg.relationship), canon(seg.end))
    return ['path', out]
  }
  if (neo4j.isDuration(v)) return durationFields(v)
  const kind = temporalKind(v)
  if (kind) return [kind, normalTemporal(v.toString())]
  if (v instanceof Uint8Array) return ['bytes', Array.from(v)]
  if (typeof v === 'object') return canonMap(v)
  return ['other', String(v)]
}

function canonMap (m) {
  const out = {}
  for (const k of Object.keys(m)) out[k] = canon(m[k])
  return out
}

// The same form from silkgraph's JSON output (parsed by parseJson: ints {int}, floats {float}).
function canonJson (v) {
  if (v === null) return null
  if (typeof v === 'boolean') return ['bool', v]
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v.map(canonJson)
  if (v instanceof JsonInt) return ['int', v.text]
  if (v instanceof JsonFloat) return ['float', v.value]
  const keys = Object.keys(v)
  if (keys.length === 1) {
    const [tag] = keys
    const x = v[tag]
    if (tag === '@node') return ['node', [...x.labels].sort(), canonJsonMap(x.properties)]
    if (tag === '@rel') return ['rel', x.type, canonJsonMap(x.properties)]
    if (tag === '@path') return ['path', x.map(canonJson)]
    if (tag === '@float') return ['float', x === 'NaN' ? 'NaN' : String(Number(x))]
    if (tag === '@duration') return isoDuration(x)
    if (['@date', '@localtime', '@time', '@localdatetime', '@datetime'].includes(tag)) return [tag.slice(1), normalTemporal(x)]
  }
  return canonJsonMap(v)
}

function canonJsonMap (m) {
  const out = {}
  for (const k of Object.keys(m)) out[k] = canonJson(m[k])
  return out
}

class JsonInt { constructor (text) { this.text = BigInt(text).toString() } }
class JsonFloat { constructor (text) { this.value = Number(text) } }

// JSON.parse would make 2.0 and 2 the same number: this parser keeps ints and floats apart.
function parseJson (text) {
  let i = 0
  const ws = () => { while (/\s/.test(text[i])) i++ }
  const value = () => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++; const out = {}; ws()
      if (text[i] === '}') { i++; return out }
      for (;;) {
        ws(); const k = value(); ws()
        if (text[i++] !== ':') throw new Error(`JSON: ':' expected at ${i}`)
        out[k] = value(); ws()
        if (text[i] === ',') { i++; continue }
        if (text[i++] === '}') return out
        throw new Error(`JSON: '}' expected at ${i}`)
      }
    }
    if (c === '[') {
      i++; const out = []; ws()
      if (text[i] === ']') { i++; return out }
      for (;;) {
        out.push(value()); ws()
        if (text[i] === ',') { i++; continue }
        if (text[i++] === ']') return out
        throw new Error(`JSON: ']' expected at ${i}`)
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i))
      i += m[0].length
      return JSON.parse(m[0])
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
    if (m) {
      i += m[0].length
      return m[1] || m[2] ? new JsonFloat(m[0]) : new JsonInt(m[0])
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v }
    }
    throw new Error(`JSON: unexpected ${JSON.stringify(text.slice(i, i + 20))}`)
  }
  return value()
}

function silkgraphQuery (statements, graphArgs = []) {
  const p = childProcess.spawnSync(BIN, [...graphArgs, 'query', '--format', 'json', statements.join(';\n')],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 })
  const out = parseJson(p.stdout)
  expect(out.length === statements.length, `silkgraph query gave ${out.length} results for ${statements.length} statements`)
  return out
}

const plainRows = result => result.rows.map(r => r.map(v => v instanceof JsonInt ? BigInt(v.text) : v instanceof JsonFloat ? v.value : v))

// (question, query) pairs: a `// Q:` line, then the query's lines up to one ending with `;`.
function analystQuestions () {
  const out = []
  let question = null
  let lines = []
  for (const line of fs.readFileSync(QUESTIONS, 'utf8').split('\n')) {
    const s = line.trim()
    if (s.startsWith('// Q:')) {
      question = s.slice(5).trim()
      lines = []
    } else if (question !== null && s && !s.startsWith('//')) {
      lines.push(line)
      if (s.endsWith(';')) {
        out.push([question, lines.join('\n').trimEnd().replace(/;$/, '')])
        question = null
      }
    }
  }
  return out
}

async function count (d, q, params = {}, config = {}) {
  const { records } = await d.executeQuery(q, params, { routing: neo4j.routing.READ, ...config })
  return records[0].get(0)
}

// ---- 1. the analyst questions --------------------------------------------------------------------

async function analystChecks () {
  const qs = analystQuestions()
  let expected = []
  await check(`silkgraph query answers the ${qs.length} analyst questions`, async () => {
    expect(qs.length >= 5, `only ${qs.length} questions`)
    expected = silkgraphQuery(qs.map(q => q[1]))
    qs.forEach(([question], k) => expect(!expected[k].error, `silkgraph query failed on ${question}`))
  })
  if (!expected.length) return
  const server = await Server.start([], 'bundled')
  const d = driver(server.uri())
  try {
    for (let k = 0; k < qs.length; k++) {
      const [question, q] = qs[k]
      const want = expected[k]
      await check(`analyst question ${k + 1} (${question.slice(0, 60)}) gives silkgraph query's rows`, async () => {
        CURRENT.push(server)
        const session = d.session()
        try {
          const result = session.run(q)
          const keys = await result.keys()
          const { records } = await result
          expectEq(keys, want.columns, 'columns')
          expectEq(records.map(r => keys.map(key => canon(r.get(key)))), want.rows.map(r => r.map(canonJson)), 'rows')
        } finally {
          await session.close()
        }
      })
    }
  } finally {
    await d.close()
    server.kill()
  }
}

// ---- 2. values -----------------------------------------------------------------------------------

const I = x => BigInt(x)
const ROUND_TRIP = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['int 0', 0n],
  ['int -1', -1n],
  ['int -2^63', -(2n ** 63n)],
  ['int 2^63-1', 2n ** 63n - 1n],
  ['int as neo4j.int (lossless Integer)', neo4j.int('9007199254740993')],
  ['float 1.5', 1.5],
  ['float 1e308', 1e308],
  ['float -0.25e-300', -0.25e-300],
  ['float infinity', Infinity],
  ['string empty', ''],
  ['string unicode', 'Кыргызстан — 日本 🇰🇬🇯🇵 e\u0301 "quoted" \\ \n\ttab'],
  ['string long', 'x'.repeat(100000)],
  ['list empty', []],
  ['list mixed', [1n, 'two', 3.5, null, true, [4n, [5n]]]],
  ['map empty', {}],
  ['map', { a: 1n, b: 'two', c: null, d: [1.5, false] }],
  ['nested map and list', { k: [{ x: { y: [1n, { z: 'deep' }] } }], empty: { l: [] } }],
  ['Date', new NDate(I(2024), I(2), I(29))],
  ['Date before 1970', new NDate(I(1901), I(12), I(13))],
  ['LocalTime', new LocalTime(I(10), I(20), I(30), I(123456789))],
  ['Time with offset', new Time(I(10), I(20), I(30), I(500000000), I(19800))],
  ['LocalDateTime', new LocalDateTime(I(2024), I(1), I(2), I(3), I(4), I(5), I(1))],
  ['DateTime with offset', new DateTime(I(2024), I(1), I(2), I(3), I(4), I(5), I(500000000), I(-28800))],
  ['DateTime UTC', new DateTime(I(1969), I(12), I(31), I(23), I(59), I(59), I(999999999), I(0))],
  ['Duration', new Duration(I(14), I(3), I(14706), I(500000000))],
  ['Duration negative', new Duration(I(0), I(-1), I(-30), I(0))],
  ['JavaScript Date (as a DateTime)', neo4j.types.DateTime.fromStandardDate(new Date(Date.UTC(2025, 11, 22, 9, 30, 15, 250)))],
  ['map of temporals', { d: new NDate(I(2020), I(5), I(17)), t: new Time(I(1), I(2), I(3), I(0), I(-28800)), dur: new Duration(I(1), I(0), I(0), I(0)) }]
]

function sameValue (got, want) {
  if (typeof want === 'number' && typeof got === 'number') return Object.is(got, want)
  return stableStringify(canon(got)) === stableStringify(canon(want)) &&
    (temporalKind(want) === null || temporalKind(got) === temporalKind(want))
}

async function valueChecks () {
  const server = await Server.start([], 'values')
  const d = driver(server.uri())
  try {
    for (const [name, v] of ROUND_TRIP) {
      await check(`RETURN $v round-trips ${name}`, async () => {
        CURRENT.push(server)
        const { records } = await d.executeQuery('RETURN $v AS v', { v })
        const got = records[0].get('v')
        expect(sameValue(got, v), `got ${show(canon(got))}, want ${show(canon(v))}`)
      })
    }

    await check('every value type round-trips in one record', async () => {
      CURRENT.push(server)
      const params = Object.fromEntries(ROUND_TRIP.map(([, v], k) => [`p${k}`, v]))
      const q = 'RETURN ' + ROUND_TRIP.map((_, k) => `$p${k} AS p${k}`).join(', ')
      const rec = (await d.executeQuery(q, params)).records[0]
      ROUND_TRIP.forEach(([name, v], k) => expect(sameValue(rec.get(`p${k}`), v), `${name}: got ${show(canon(rec.get(`p${k}`)))}`))
    })

    await check('parameters are the values Cypher computes (temporals, int64 bounds, unicode)', async () => {
      CURRENT.push(server)
      const q = `RETURN $d = date('2024-02-29') AS d, $lt = localtime('10:20:30.123456789') AS lt,
        $t = time('10:20:30.5+05:30') AS t, $ldt = localdatetime('2024-01-02T03:04:05.000000001') AS ldt,
        $dtm = datetime('2024-01-02T03:04:05.5-08:00') AS dtm, $dur = duration('P1Y2M3DT4H5M6.5S') AS dur,
        $big = 9223372036854775807 AS big, $small = -9223372036854775807 - 1 AS small,
        $s = 'Кыргызстан 日本' AS s, size($s) AS n, $m.k[1].x AS nested, toString($d) AS ds`
      const rec = (await d.executeQuery(q, {
        d: new NDate(I(2024), I(2), I(29)),
        lt: new LocalTime(I(10), I(20), I(30), I(123456789)),
        t: new Time(I(10), I(20), I(30), I(500000000), I(19800)),
        ldt: new LocalDateTime(I(2024), I(1), I(2), I(3), I(4), I(5), I(1)),
        dtm: new DateTime(I(2024), I(1), I(2), I(3), I(4), I(5), I(500000000), I(-28800)),
        dur: new Duration(I(14), I(3), I(14706), I(500000000)),
        big: 2n ** 63n - 1n,
        small: -(2n ** 63n),
        s: 'Кыргызстан 日本',
        m: { k: [0n, { x: 'yes' }] }
      })).records[0]
      for (const k of ['d', 'lt', 't', 'ldt', 'dtm', 'dur', 'big', 'small', 's']) {
        expect(rec.get(k) === true, `$${k} is not what Cypher computes (= gave ${rec.get(k)})`)
      }
      expectEq(rec.get('n'), 13n, 'size of the unicode string')
      expectEq(rec.get('nested'), 'yes', '$m.k[1].x')
      expectEq(rec.get('ds'), '2024-02-29', 'toString($d)')
    })

    await check('values made by Cypher arrive as the driver\'s types', async () => {
      CURRENT.push(server)
      const rec = (await d.executeQuery(`RETURN date('2024-02-29') AS d, localtime('10:20:30.123456789') AS lt,
        time('10:20:30.5+05:30') AS t, localdatetime('2024-01-02T03:04:05.000000001') AS ldt,
        datetime('2024-01-02T03:04:05.5-08:00') AS dtm, duration('P1Y2M3DT4H5M6.5S') AS dur,
        9223372036854775807 AS big, -9223372036854775807 - 1 AS small, 1.0/0 AS inf, 2.0 AS two,
        [1, 'a', [2.5]] AS l, {a: {b: [null]}} AS m`)).records[0]
      const want = {
        d: new NDate(I(2024), I(2), I(29)),
        lt: new LocalTime(I(10), I(20), I(30), I(123456789)),
        t: new Time(I(10), I(20), I(30), I(500000000), I(19800)),
        ldt: new LocalDateTime(I(2024), I(1), I(2), I(3), I(4), I(5), I(1)),
        dtm: new DateTime(I(2024), I(1), I(2), I(3), I(4), I(5), I(500000000), I(-28800)),
        dur: new Duration(I(14), I(3), I(14706), I(500000000)),
        big: 2n ** 63n - 1n,
        small: -(2n ** 63n),
        inf: Infinity,
        two: 2,
        l: [1n, 'a', [2.5]],
        m: { a: { b: [null] } }
      }
      for (const [k, w] of Object.entries(want)) {
        expect(sameValue(rec.get(k), w), `${k}: got ${show(canon(rec.get(k)))}, want ${show(canon(w))}`)
      }
      expect(typeof rec.get('two') === 'number' && typeof rec.get('big') === 'bigint', 'float and int kinds')
    })

    await check('nodes, relationships and paths (element ids, start and end)', async () => {
      CURRENT.push(server)
      const q = "MATCH p = (a:Office)-[r:VISITED]->(c:Country {name: 'Japan'}) RETURN a, r, c, p ORDER BY a.name, r.year, r.month LIMIT 3"
      const want = silkgraphQuery([q])[0]
      const { records } = await d.executeQuery(q)
      expectEq(records.length, want.rows.length, 'rows')
      records.forEach((rec, k) => {
        const [a, r, c, p] = ['a', 'r', 'c', 'p'].map(x => rec.get(x))
        expect(neo4j.isNode(a) && neo4j.isRelationship(r) && neo4j.isPath(p), 'types')
        expectEq([canon(a), canon(r), canon(c), canon(p)], want.rows[k].map(canonJson), 'row')
        for (const x of [a, r, c]) expect(typeof x.elementId === 'string' && x.elementId, `elementId ${x.elementId}`)
        expectEq(r.startNodeElementId, a.elementId, 'r.startNodeElementId')
        expectEq(r.endNodeElementId, c.elementId, 'r.endNodeElementId')
        expectEq(p.start.elementId, a.elementId, 'path start')
        expectEq(p.end.elementId, c.elementId, 'path end')
        expectEq(p.length, 1, 'path length')
        expectEq(p.segments[0].relationship.elementId, r.elementId, 'path relationship')
      })
      const a0 = records[0].get('a')
      const again = (await d.executeQuery('MATCH (n) WHERE elementId(n) = $id RETURN n', { id: a0.elementId })).records
      expectEq(again.map(x => canon(x.get('n'))), [canon(a0)], 'MATCH by elementId')
    })

    await check('a multi-hop path walked against the direction of some relationships', async () => {
      CURRENT.push(server)
      const q = "MATCH p = shortestPath((m:Ministry {name: 'Ministry of Energy'})-[:SIGNED*..6]-(g:Company {name: 'National Grid Company'})) RETURN p, nodes(p) AS ns, relationships(p) AS rs"
      const want = silkgraphQuery([q])[0]
      const rec = (await d.executeQuery(q)).records[0]
      expectEq(['p', 'ns', 'rs'].map(x => canon(rec.get(x))), want.rows[0].map(canonJson), 'path, nodes(p), relationships(p)')
      const p = rec.get('p')
      p.segments.forEach((seg, k) => {
        const ends = [seg.relationship.startNodeElementId, seg.relationship.endNodeElementId].sort()
        expectEq(ends, [seg.start.elementId, seg.end.elementId].sort(), `hop ${k}`)
      })
    })
  } finally {
    await d.close()
    server.kill()
  }
}

// ---- 3. transactions and durability --------------------------------------------------------------

async function transactionChecks () {
  const file = path.join(TMP, 'tx', 'x.sg')
  fs.mkdirSync(path.dirname(file))

  await check('explicit and managed transactions on a new database; commits survive a restart', async () => {
    let server = await Server.start(['--graph', file], 'tx')
    expect(server.banner.includes('database `x`') && !server.banner.includes('read-only'), `banner ${server.banner}`)
    let d = driver(server.uri())
    try {
      const s = d.session()
      expectEq(await count(d, 'MATCH (n) RETURN count(n)'), 0n, 'nodes in a new database')
      let tx = await s.beginTransaction()
      const summary = await tx.run("CREATE (:T {k: 'rolled back'}), (:T {k: 'rolled back'})")
      expectEq(summary.summary.counters.updates().nodesCreated, 2, 'nodesCreated')
      expectEq((await tx.run('MATCH (n:T) RETURN count(n) AS c')).records[0].get('c'), 2n, 'the transaction sees its own writes')
      expectEq(await count(d, 'MATCH (n:T) RETURN count(n)'), 0n, "another session sees an open transaction's writes")
      await tx.rollback()
      expectEq((await s.run('MATCH (n:T) RETURN count(n) AS c')).records[0].get('c'), 0n, 'after rollback')

      tx = await s.beginTransaction()
      await tx.run("CREATE (:T {k: 'committed', at: $at})", { at: new DateTime(I(2024), I(5), I(6), I(7), I(8), I(9), I(0), I(-28800)) })
      await tx.run("MATCH (a:T {k: 'committed'}) CREATE (a)-[:R {w: 1.5}]->(:U {k: 'committed'})")
      await tx.commit()
      expectEq(await count(d, "MATCH (n:T {k: 'committed'})-[:R]->(:U) RETURN count(n)"), 1n, 'after commit')

      const k = await s.executeWrite(async tx => (await tx.run('CREATE (n:T {k: $k}) RETURN n.k AS k', { k: 'managed' })).records[0].get('k'))
      expectEq(k, 'managed', "executeWrite's result")
      await expectError(() => s.executeWrite(async tx => {
        await tx.run("CREATE (:T {k: 'managed then threw'})")
        throw new Error('the work function threw')
      }), { messagePart: 'the work function threw' })
      const ks = await s.executeRead(async tx => (await tx.run('MATCH (n:T) RETURN n.k AS k ORDER BY k')).records.map(r => r.get('k')))
      expectEq(ks, ['committed', 'managed'], 'nodes after the managed transactions')
      await s.close()

      // an open transaction when the server stops is rolled back
      const s2 = d.session()
      const open = await s2.beginTransaction()
      await open.run("CREATE (:T {k: 'open at stop'})")
      expectEq(await server.stop(), 0, 'exit code on SIGTERM')
      expect(server.stderr().includes('silkgraph serve: stopped'), 'no `silkgraph serve: stopped` on stderr')
      await s2.close().catch(() => {})
    } finally {
      await d.close().catch(() => {})
    }

    server = await Server.start(['--graph', file], 'tx-again')
    d = driver(server.uri())
    try {
      const got = (await d.executeQuery('MATCH (n:T) RETURN n.k AS k, n.at AS at ORDER BY k')).records
      expectEq(got.map(r => r.get('k')), ['committed', 'managed'], 'nodes after the restart')
      expect(sameValue(got[0].get('at'), new DateTime(I(2024), I(5), I(6), I(7), I(8), I(9), I(0), I(-28800))), `property at: ${got[0].get('at')}`)
      const rel = (await d.executeQuery('MATCH (:T)-[r:R]->(u:U) RETURN r.w AS w, u.k AS k')).records
      expectEq(rel.map(r => [r.get('w'), r.get('k')]), [[1.5, 'committed']], 'relationship after the restart')
    } finally {
      await d.close()
    }
    expectEq(await server.stop(), 0, 'exit code on SIGTERM')
  })
}

// ---- 4. routing, databases, server info ----------------------------------------------------------

async function routingChecks () {
  const server = await Server.start(['--graph', path.join(TMP, 'routing.sg')], 'routing')
  const d = driver(server.uri('neo4j'), undefined, { maxTransactionRetryTime: 3000 })
  try {
    await check('neo4j:// routing to the default database: reads and writes', async () => {
      CURRENT.push(server)
      await d.verifyConnectivity()
      const { summary } = await d.executeQuery('CREATE (:Route {n: $n})', { n: 1n }, { routing: neo4j.routing.WRITE })
      expectEq(summary.counters.updates().nodesCreated, 1, 'nodesCreated through neo4j://')
      const { records } = await d.executeQuery('MATCH (r:Route) RETURN r.n AS n', {}, { routing: neo4j.routing.READ })
      expectEq(records.map(r => r.get('n')), [1n], 'read through neo4j://')
      let s = d.session({ defaultAccessMode: neo4j.session.WRITE })
      await s.executeWrite(tx => tx.run('CREATE (:Route {n: 2})'))
      await s.run('CREATE (:Route {n: 3})')
      await s.close()
      s = d.session({ defaultAccessMode: neo4j.session.READ })
      const n = await s.executeRead(async tx => (await tx.run('MATCH (r:Route) RETURN count(r) AS c')).records[0].get('c'))
      await s.close()
      expectEq(n, 3n, 'count through a read session')
    })

    await check('neo4j:// routing with database "neo4j" (the served graph\'s alias): write and read', async () => {
      CURRENT.push(server)
      const s = d.session({ database: 'neo4j', defaultAccessMode: neo4j.session.WRITE })
      try {
        await s.executeWrite(tx => tx.run('CREATE (:Route {n: 4})'))
      } finally {
        await s.close()
      }
      expectEq(await count(d, 'MATCH (r:Route {n: 4}) RETURN count(r)', {}, { database: 'neo4j' }), 1n, 'read back through `neo4j`')
    })

    await check('neo4j:// routing with the database\'s own name: write and read', async () => {
      CURRENT.push(server)
      await d.executeQuery('CREATE (:Route {n: 5})', {}, { database: 'routing', routing: neo4j.routing.WRITE })
      expectEq(await count(d, 'MATCH (r:Route {n: 5}) RETURN count(r)', {}, { database: 'routing' }), 1n, 'read back')
    })

    await check('neo4j:// routing to a bundled graph by name (read-only)', async () => {
      CURRENT.push(server)
      expectEq(await count(d, 'MATCH (n) RETURN count(n)', {}, { database: 'karate' }), 34n, "karate's members")
      const want = plainRows(silkgraphQuery(['MATCH (n) RETURN count(n) AS c'], ['--graph', 'lesmis'])[0])[0][0]
      expectEq(await count(d, 'MATCH (n) RETURN count(n)', {}, { database: 'lesmis' }), want, "lesmis' nodes")
      await expectError(() => d.executeQuery('CREATE (n)', {}, { database: 'karate' }), { codePart: 'AccessMode' })
    })
  } finally {
    await d.close()
    server.kill()
  }

  await check('server info; the served graph as `neo4j`; bundled graphs by name; errors', async () => {
    const server = await Server.start([], 'dbs')
    const d = driver(server.uri())
    try {
      const info = await d.getServerInfo()
      expect(typeof info.agent === 'string' && info.agent, `agent ${info.agent}`)
      expect(info.protocolVersion >= 4.4, `protocol ${info.protocolVersion}`)
      say(`#   server agent '${info.agent}', Bolt ${info.protocolVersion}`)
      const want = plainRows(silkgraphQuery(['MATCH (n) RETURN count(n) AS c'])[0])[0][0]
      for (const db of [undefined, 'neo4j', 'kyrgyz_japan']) {
        expectEq(await count(d, 'MATCH (n) RETURN count(n)', {}, { database: db }), want, `nodes of ${db}`)
      }
      await expectError(() => d.executeQuery('RETURN 1', {}, { database: 'no_such_db' }), { codePart: 'Database' })
      await expectError(() => d.executeQuery('CREATE (n)'), { code: 'Neo.ClientError.Statement.AccessMode' })
      expectEq((await d.executeQuery('RETURN 1 AS x')).records[0].get('x'), 1n, 'after the errors')
    } finally {
      await d.close()
    }
    await server.stop()
  })
}

// ---- 5. authentication ---------------------------------------------------------------------------

async function authChecks () {
  await check('auth: users file, right and wrong passwords, a reader cannot write', async () => {
    const users = path.join(TMP, 'users')
    const add = (name, pw, ...extra) => {
      const p = childProcess.spawnSync(BIN, ['user', 'add', name, '--users', users, ...extra], { input: pw + '\n', encoding: 'utf8', timeout: 60000 })
      expect(p.status === 0, `silkgraph user add ${name}: exit ${p.status}: ${p.stderr}`)
    }
    add('alice', 'wonder land')
    add('bob', 's3cret-Ü', '--reader')
    const server = await Server.start(['--graph', path.join(TMP, 'auth.sg'), '--users', users], 'auth')
    const use = async (auth, fn, uri = server.uri()) => {
      const d = driver(uri, auth)
      try { return await fn(d) } finally { await d.close() }
    }
    await use(neo4j.auth.basic('alice', 'wonder land'), async d => {
      await d.verifyConnectivity()
      await d.executeQuery("CREATE (:A {by: 'alice'})")
      expectEq(await count(d, 'MATCH (a:A) RETURN count(a)'), 1n, "alice's write")
      expect(await d.verifyAuthentication(), 'verifyAuthentication')
    })
    for (const [who, pw] of [['alice', 'Wonder land'], ['alice', ''], ['mallory', 'wonder land']]) {
      await use(neo4j.auth.basic(who, pw), d =>
        expectError(() => d.executeQuery('RETURN 1'), { code: 'Neo.ClientError.Security.Unauthorized' }))
    }
    await use(neo4j.auth.basic('bob', 's3cret-Ü'), async d => {
      expectEq(await count(d, 'MATCH (a:A) RETURN count(a)'), 1n, 'bob reads')
      await expectError(() => d.executeQuery("CREATE (:A {by: 'bob'})"), { code: 'Neo.ClientError.Statement.AccessMode' })
      const s = d.session()
      try {
        await expectError(() => s.executeWrite(tx => tx.run('MATCH (a:A) SET a.x = 1')), { code: 'Neo.ClientError.Statement.AccessMode' })
        expectEq((await s.run('MATCH (a:A) RETURN a.by AS by')).records[0].get('by'), 'alice', 'bob reads after the refusal')
      } finally {
        await s.close()
      }
    }, server.uri('neo4j'))
    await use(neo4j.auth.basic('alice', 'wonder land'), async d =>
      expectEq(await count(d, 'MATCH (a:A) RETURN count(a)'), 1n, "nodes after bob's refused writes"))
    await server.stop()
  })
}

// ---- 6. TLS --------------------------------------------------------------------------------------

async function tlsChecks () {
  await check('TLS: bolt+ssc://, neo4j+ssc://, a custom CA; bolt+s:// untrusted and plain bolt:// fail', async () => {
    const cert = path.join(TMP, 'cert.pem')
    const key = path.join(TMP, 'key.pem')
    const p = childProcess.spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
      '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 60000 })
    expect(p.status === 0, `openssl: ${(p.stderr || '').slice(-300)}`)
    const server = await Server.start(['--tls-cert', cert, '--tls-key', key], 'tls')
    const q = 'MATCH (c:Country) RETURN c.name AS name ORDER BY name'
    const want = plainRows(silkgraphQuery([q])[0]).map(r => r[0])
    const rows = async (uri, config = {}) => {
      const d = driver(uri, undefined, config)
      try { return (await d.executeQuery(q)).records.map(r => r.get('name')) } finally { await d.close() }
    }
    for (const scheme of ['bolt+ssc', 'neo4j+ssc']) expectEq(await rows(server.uri(scheme)), want, `rows over ${scheme}://`)
    expectEq(await rows(`bolt://localhost:${server.port}`, {
      encrypted: 'ENCRYPTION_ON', trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES', trustedCertificates: [cert]
    }), want, 'rows over TLS trusting the certificate')
    const once = { connectionTimeout: 5000, connectionAcquisitionTimeout: 10000, maxTransactionRetryTime: 0 }
    await expectError(() => rows(server.uri('bolt+s'), once)) // the system's CAs do not trust the certificate
    await expectError(() => rows(server.uri('bolt'), once)) // plain Bolt to the TLS port
    expectEq(await rows(server.uri('bolt+ssc')), want, 'TLS after the plain attempt')
    await server.stop()
  })
}

// ---- 8. streaming --------------------------------------------------------------------------------

async function streamingChecks () {
  const server = await Server.start([], 'stream')
  const d = driver(server.uri(), undefined, { fetchSize: 1000 })
  try {
    await check('UNWIND range(1, 100000) with fetchSize 1000: every row, in order', async () => {
      CURRENT.push(server)
      const t0 = Date.now()
      const s = d.session({ fetchSize: 1000 })
      const got = []
      try {
        for await (const r of s.run('UNWIND range(1, 100000) AS i RETURN i')) got.push(r.get('i'))
      } finally {
        await s.close()
      }
      expectEq(got.length, 100000, 'rows')
      expect(got.every((x, k) => x === BigInt(k + 1)), 'rows out of order')
      say(`#   100000 rows in ${((Date.now() - t0) / 1000).toFixed(2)} s`)
    })

    await check('stopping after 10 of 100000 rows then closing the session leaves the driver usable', async () => {
      CURRENT.push(server)
      for (let k = 0; k < 3; k++) {
        const s = d.session({ fetchSize: 1000 })
        const first = []
        for await (const r of s.run('UNWIND range(1, 100000) AS i RETURN i')) {
          first.push(r.get('i'))
          if (first.length === 10) break
        }
        expectEq(first, Array.from({ length: 10 }, (_, j) => BigInt(j + 1)), 'the first 10 rows')
        await s.close()
      }
      const s = d.session({ fetchSize: 1000 })
      try {
        const res = s.run('UNWIND range(1, 100000) AS i RETURN i')
        const it = res[Symbol.asyncIterator]()
        expectEq((await it.next()).value.get('i'), 1n, 'first row')
        await it.return() // DISCARD the rest
        expectEq((await s.run('RETURN 42 AS x')).records[0].get('x'), 42n, 'next statement on the session')
      } finally {
        await s.close()
      }
      expectEq((await d.executeQuery('UNWIND range(1, 2000) AS i RETURN sum(i) AS s')).records[0].get('s'), 2001000n, 'a query after the abandoned streams')
    })

    await check('two open results in one transaction: the first is read on after the second', async () => {
      CURRENT.push(server)
      const s = d.session({ fetchSize: 1000 })
      try {
        const tx = await s.beginTransaction()
        const it = tx.run('UNWIND range(1, 5000) AS i RETURN i')[Symbol.asyncIterator]()
        expectEq((await it.next()).value.get('i'), 1n, 'first row in the transaction')
        const second = await tx.run('RETURN 7 AS x')
        expectEq(second.records.map(r => r.get('x')), [7n], 'rows of the second statement in the transaction')
        const rest = []
        for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.get('i'))
        expectEq(rest.length, 4999, 'rows of the first result after the second')
        expect(rest.every((x, k) => x === BigInt(k + 2)), "the first result's later rows are out of order")
        await tx.commit()
        expectEq((await s.run('RETURN 8 AS x')).records[0].get('x'), 8n, 'the session afterwards')
      } finally {
        await s.close()
      }
    })
  } finally {
    await d.close()
    server.kill()
  }
}

// ---- 9. concurrency ------------------------------------------------------------------------------

async function concurrencyChecks () {
  await check('8 concurrent writers x 50 transactions beside 4 readers: counts always even, 800 at the end', async () => {
    const server = await Server.start(['--graph', path.join(TMP, 'conc.sg')], 'conc')
    // Writers that began before another commit get Neo.TransientError.Transaction.Outdated and
    // executeWrite runs them again: give the retries time.
    const d = driver(server.uri(), undefined, { maxConnectionPoolSize: 16, maxTransactionRetryTime: 30000 })
    const odd = []
    let reads = 0
    let done = false
    try {
      const t0 = Date.now()
      const writer = async () => {
        const s = d.session()
        try {
          for (let k = 0; k < 50; k++) await s.executeWrite(tx => tx.run('CREATE (:P), (:P)'))
        } finally { await s.close() }
      }
      const reader = async () => {
        const s = d.session({ defaultAccessMode: neo4j.session.READ })
        try {
          while (!done) {
            const c = await s.executeRead(async tx => (await tx.run('MATCH (p:P) RETURN count(p) AS c')).records[0].get('c'))
            reads++
            if (c % 2n) odd.push(c)
          }
        } finally { await s.close() }
      }
      const readers = Array.from({ length: 4 }, reader)
      await Promise.all(Array.from({ length: 8 }, writer)).finally(() => { done = true })
      await Promise.all(readers)
      say(`#   400 write transactions beside ${reads} reads in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      expect(!odd.length, `odd counts seen by readers: ${odd.slice(0, 5)}`)
      expectEq(await count(d, 'MATCH (p:P) RETURN count(p)'), 800n, 'nodes at the end')
    } finally {
      done = true
      await d.close()
    }
    await server.stop()
  })
}

// ---- 10. errors ------------------------------------------------------------------------------------

async function errorChecks () {
  const server = await Server.start([], 'errors')
  const d = driver(server.uri())
  const s = d.session()
  const okAfter = async () => expectEq((await s.run('RETURN 1 AS x')).records[0].get('x'), 1n, 'the session after the error')
  try {
    await check('syntax error: Neo.ClientError.Statement.SyntaxError with line and column', async () => {
      CURRENT.push(server)
      await expectError(() => s.run('MATCH (n RETURN n'), { code: 'Neo.ClientError.Statement.SyntaxError', messagePart: 'line 1, column' })
      await expectError(() => s.run('RETURN 1 +\n\n  ,'), { code: 'Neo.ClientError.Statement.SyntaxError', messagePart: 'line 3, column' })
      await okAfter()
    })
    await check('missing parameter: Neo.ClientError.Statement.ParameterMissing', async () => {
      CURRENT.push(server)
      await expectError(() => s.run('RETURN $nope AS x'), { code: 'Neo.ClientError.Statement.ParameterMissing', messagePart: 'nope' })
      await okAfter()
    })
    await check('RETURN 1/0: an ArgumentError code', async () => {
      CURRENT.push(server)
      await expectError(() => s.run('RETURN 1/0 AS x'), { codePart: 'ArgumentError' })
      await okAfter()
    })
    await check('an error after rows were streamed leaves the session usable', async () => {
      CURRENT.push(server)
      const s2 = d.session({ fetchSize: 10 })
      try {
        await expectError(async () => {
          for await (const r of s2.run('UNWIND range(1000, 0, -1) AS i RETURN 10 / i AS x')) r.get('x')
        }, { codePart: 'ArgumentError' })
        expectEq((await s2.run('RETURN 2 AS x')).records[0].get('x'), 2n, 'the session after the error')
      } finally {
        await s2.close()
      }
    })
    await check('40 errors in a row on one session, 20 through executeQuery; both stay usable', async () => {
      CURRENT.push(server)
      for (let k = 0; k < 20; k++) {
        await expectError(() => s.run('RETURN $p AS x'), { code: 'Neo.ClientError.Statement.ParameterMissing' })
        await expectError(() => s.run('RETURN ;'), { code: 'Neo.ClientError.Statement.SyntaxError' })
      }
      await okAfter()
      for (let k = 0; k < 20; k++) await expectError(() => d.executeQuery('RETURN 1/0'), { codePart: 'ArgumentError' })
      expectEq((await d.executeQuery('RETURN 3 AS x')).records[0].get('x'), 3n, 'the driver after 20 errors')
    })
  } finally {
    await s.close()
    await d.close()
    server.kill()
  }
}

// ---- 11. a failure inside an explicit transaction ------------------------------------------------

async function failedTxChecks () {
  await check('a failed statement fails its transaction; rollback works; the session stays usable', async () => {
    const server = await Server.start(['--graph', path.join(TMP, 'failed-tx.sg')], 'failedtx')
    const d = driver(server.uri())
    const s = d.session()
    const fcount = async () => (await s.run('MATCH (n:F) RETURN count(n) AS c')).records[0].get('c')
    try {
      let tx = await s.beginTransaction()
      await tx.run('CREATE (:F {k: 1})')
      await expectError(() => tx.run('RETURN 1/0'), { codePart: 'ArgumentError' })
      await expectError(() => tx.run('RETURN 1')) // the transaction has failed
      await expectError(() => tx.commit())
      await tx.close().catch(() => {})
      expectEq(await fcount(), 0n, "the failed transaction's writes")

      tx = await s.beginTransaction()
      await tx.run('CREATE (:F {k: 2})')
      await expectError(() => tx.run('MATCH (n RETURN n'), { code: 'Neo.ClientError.Statement.SyntaxError' })
      await tx.rollback()
      expectEq(await fcount(), 0n, 'after the rollback')

      await expectError(() => s.executeWrite(async tx => {
        await tx.run('CREATE (:F {k: 3})')
        await tx.run('RETURN $missing')
      }), { code: 'Neo.ClientError.Statement.ParameterMissing' })
      expectEq(await fcount(), 0n, 'after the failed executeWrite')

      tx = await s.beginTransaction({ metadata: { app: 'driver-test' }, timeout: 30000 })
      await tx.run('CREATE (:F {k: 4})')
      await tx.commit()
      expectEq((await s.run('MATCH (n:F) RETURN n.k AS k')).records.map(r => r.get('k')), [4n], 'a transaction after the failures')
    } finally {
      await s.close()
      await d.close()
    }
    await server.stop()
  })
}

// ---- main ------------------------------------------------------------------------------------------

async function main () {
  const args = process.argv.slice(2)
  const only = []
  let keep = false
  for (let k = 0; k < args.length; k++) {
    if (args[k] === '--bin') BIN = args[++k]
    else if (args[k] === '--keep') keep = true
    else only.push(args[k])
  }
  BIN = path.resolve(BIN)
  TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'silkgraph-jsdriver-'))
  process.on('exit', () => {
    stopAll()
    if (!keep) fs.rmSync(TMP, { recursive: true, force: true })
  })
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(143))
  const pkg = require('neo4j-driver/package.json')
  say(`# neo4j-driver ${pkg.version}, Node.js ${process.version}; ${BIN}`)
  const groups = {
    analyst: analystChecks,
    values: valueChecks,
    tx: transactionChecks,
    routing: routingChecks,
    auth: authChecks,
    tls: tlsChecks,
    streaming: streamingChecks,
    concurrency: concurrencyChecks,
    errors: errorChecks,
    failedtx: failedTxChecks
  }
  const t0 = Date.now()
  for (const [name, fn] of Object.entries(groups)) {
    if (only.length && !only.includes(name)) continue
    try {
      await fn()
    } catch (e) { // a group that could not even set up counts as one failure
      failed++
      say(`FAIL - ${name} checks: ${e.constructor.name}: ${e.message}`.replace(/\n/g, ' | '))
    }
  }
  say(`# js_driver.cjs: ${passed} passed, ${failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  say('# js_driver.cjs: done')
  process.exit(0)
}

main().catch(e => {
  say(`# js_driver.cjs crashed: ${e.stack}`)
  process.exit(2)
})
