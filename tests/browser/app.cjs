'use strict'
// The web app of `silkgraph serve`, driven in Debian's Chromium (headless) by Playwright
// (`playwright-core`, no browser download: the system's /usr/bin/chromium).
//
// Run by tests/browser/run.sh with NODE_PATH pointing at target/browser-node/node_modules:
//
//     NODE_PATH=target/browser-node/node_modules node tests/browser/app.cjs --bin target/release/silkgraph
//
// Prints `ok - NAME` or `FAIL - NAME: WHY` per check, then `# app.cjs: done`. With `--shots DIR`
// it also writes the screenshots the README shows (the 2025 forum, the karate club by
// community) into DIR.

const { chromium } = require('playwright-core')
const childProcess = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')

const ROOT = path.resolve(__dirname, '..', '..')
const args = process.argv.slice(2)
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt }
const BIN = path.resolve(opt('--bin', process.env.SILKGRAPH_BIN || path.join(ROOT, 'target/release/silkgraph')))
const SHOTS = opt('--shots', null)
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
let passed = 0
let failed = 0
const say = (line) => process.stdout.write(line + '\n')

// ---- the server --------------------------------------------------------------------------------

function startServer (extra = []) {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stderr.on('data', (d) => { err += d })
    child.stdout.on('data', (d) => {
      out += d
      const m = out.match(/the browser at (http:\/\/[^/\s]+)\//)
      if (m) resolve({ child, url: m[1], log: () => err })
    })
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${err}`)))
    setTimeout(() => reject(new Error(`the server did not start: ${out} ${err}`)), 20000)
  })
}

function stop (server) {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit')
    server.child.on('exit', resolve)
    server.child.kill('SIGTERM')
  })
}

/// `silkgraph query`'s table of a statement on a graph: its header and its rows, as cells of text.
function cliTable (statement, graph) {
  const a = graph ? ['--graph', graph] : []
  const out = childProcess.execFileSync(BIN, [...a, 'query', statement], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const lines = out.split('\n').filter((l) => l.startsWith('│'))
  const cells = lines.map((l) => l.slice(1, -1).split('│').map((c) => c.trim()))
  return { header: cells[0] || [], rows: cells.slice(1) }
}

function cliCount (statement, graph) {
  return Number(cliTable(statement, graph).rows[0][0])
}

function questions () {
  const text = fs.readFileSync(path.join(ROOT, 'examples', 'analyst_questions.cypher'), 'utf8')
  return text.split('\n// Q:').slice(1).map((q) => q.slice(q.indexOf('\n') + 1).trim().replace(/;$/, ''))
}

// ---- checks ------------------------------------------------------------------------------------

async function check (name, fn) {
  const started = Date.now()
  try {
    await fn()
    passed++
    say(`ok - ${name} (${Date.now() - started} ms)`)
  } catch (e) {
    failed++
    say(`FAIL - ${name}: ${String(e && e.stack || e).split('\n').slice(0, 4).join(' | ')}`)
  }
}

function assert (cond, why) { if (!cond) throw new Error(why) }

async function runInApp (page, text) {
  const before = Number(await page.evaluate(() => document.body.dataset.runs || 0))
  await page.fill('#query', text)
  await page.press('#query', 'Control+Enter')
  await page.waitForFunction((n) => Number(document.body.dataset.runs || 0) > n, before, { timeout: 60000 })
}

async function appTable (page) {
  return page.evaluate(() => {
    const t = document.querySelector('#view-table table')
    if (!t) return { header: [], rows: [] }
    const header = [...t.querySelectorAll('thead th')].map((th) => th.textContent)
    const rows = [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))
    return { header, rows }
  })
}

// The README's pictures, each on a fresh page: the 2025 forum with a quote shown, and the
// karate club coloured by community and sized by degree.
async function screenshots (context, url) {
  const shot = async (db, q, style, file, click) => {
    const page = await context.newPage()
    await page.setViewportSize({ width: 1500, height: 950 })
    await page.goto(url + '/')
    await page.waitForSelector("body[data-ready='1']")
    await page.selectOption('#db', db)
    await page.waitForTimeout(300)
    await runInApp(page, q)
    for (const [sel, v] of style) {
      await page.selectOption(sel, v)
      await page.waitForTimeout(500)
    }
    await page.waitForTimeout(1500)
    await page.click('#fit')
    if (click) {
      await page.locator('#graph .rel .hit').nth(click).click({ force: true })
      await page.waitForSelector('#evidence-body .quote')
    }
    await page.mouse.move(0, 0)
    await page.screenshot({ path: path.join(SHOTS, file) })
    await page.close()
  }
  await shot('kyrgyz_japan', "MATCH (e:Event)-[r]-(x) WHERE e.name CONTAINS 'Forum' RETURN e, r, x", [], 'browser-forum-2025.png', 3)
  await shot('karate', 'MATCH (a)-[t:INTERACTS]-(b) RETURN a, t, b', [['#color-by', 'community'], ['#size-by', 'degree']], 'browser-karate.png', 0)
  say(`# screenshots written to ${SHOTS}`)
}

async function main () {
  const server = await startServer()
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  })
  const requests = []
  const errors = []
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  page.on('request', (r) => requests.push(r.url()))
  page.on('pageerror', (e) => errors.push(e.message))
  page.setDefaultTimeout(30000)

  await check('the app opens and loads nothing from the network', async () => {
    await page.goto(server.url + '/')
    await page.waitForSelector("body[data-ready='1']")
    const outside = requests.filter((u) => !u.startsWith(server.url + '/') && !u.startsWith('data:') && !u.startsWith('blob:'))
    assert(outside.length === 0, `requests elsewhere: ${outside.join(', ')}`)
    assert(requests.length >= 5, `only ${requests.length} requests`)
    const info = await page.textContent('#dbinfo')
    assert(/109 nodes, 191 relationships/.test(info), info)
  })

  await check("the README's analyst questions give silkgraph query's table", async () => {
    const qs = questions()
    assert(qs.length >= 40, `${qs.length} questions`)
    await page.click('[data-view=table]')
    for (const q of qs) {
      await runInApp(page, q)
      const err = await page.evaluate(() => { const e = document.querySelector('#error'); return e.hidden ? '' : e.textContent })
      assert(!err, `${q}: ${err}`)
      const got = await appTable(page)
      const want = cliTable(q)
      assert(JSON.stringify(got.header) === JSON.stringify(want.header), `${q}: header ${JSON.stringify(got.header)} vs ${JSON.stringify(want.header)}`)
      assert(got.rows.length > 0, `${q}: no rows`)
      assert(JSON.stringify(got.rows) === JSON.stringify(want.rows), `${q}: rows differ\n${JSON.stringify(got.rows).slice(0, 300)}\n${JSON.stringify(want.rows).slice(0, 300)}`)
    }
  })

  await check('double-clicking a node expands its neighbours, by type with counts first', async () => {
    await page.click('[data-view=graph]')
    await runInApp(page, "MATCH (j:Country {name: 'Japan'}) RETURN j")
    assert(await page.locator('#graph .node').count() === 1, 'one node first')
    await page.locator('#graph .node').first().dblclick()
    await page.waitForSelector('#expand-menu:not([hidden])')
    const groups = await page.locator('#expand-menu button[data-i]').allTextContents()
    const rels = cliCount("MATCH (:Country {name: 'Japan'})-[r]-() RETURN count(r)")
    const shown = groups.reduce((s, g) => s + Number(g.match(/\((\d+)\)$/)[1]), 0)
    assert(shown === rels, `counts in the menu add up to ${shown}, the graph has ${rels}`)
    await page.click('#expand-menu button[data-all]')
    const want = 1 + cliCount("MATCH (:Country {name: 'Japan'})--(m) RETURN count(DISTINCT m)")
    await page.waitForFunction((n) => document.querySelectorAll('#graph .node').length === n, want)
    await page.waitForFunction(() => document.querySelectorAll('#graph .rel').length > 40)
  })

  await check("clicking a relationship shows its quote (what :why prints)", async () => {
    const q = "MATCH (x {name: 'President of the Kyrgyz Republic'})-[v:VISITED]->(:Country {name: 'Japan'}) WHERE v.year = 2004 RETURN x, v"
    await runInApp(page, q)
    await page.waitForTimeout(300)
    await page.locator('#graph .rel .hit').first().click({ force: true })
    await page.waitForSelector('#evidence-body .quote')
    const quote = (await page.locator('#evidence-body .quote').first().textContent()).trim()
    const want = cliTable(q.replace('RETURN x, v', 'RETURN v.quote')).rows[0][0].replace(/^'|'$/g, '')
    assert(quote === want, `${quote} vs ${want}`)
    const source = await page.locator('#evidence-body .source').first().textContent()
    assert(/\.txt$/.test(source.trim()), source)
    await page.click('#all-evidence')
    await page.waitForFunction(() => document.querySelectorAll('#evidence-body .evidence-item').length === 3)
  })

  await check('a query that finds nothing says which step emptied it', async () => {
    await runInApp(page, "MATCH (x)-[v:VISITED]->(:Country {name: 'Japn'}) RETURN x.name")
    const text = await page.textContent('#view-table')
    assert(/emptied here/.test(text) && /Japan/.test(text), text.slice(0, 300))
  })

  await check('errors point at the statement, with a hint', async () => {
    await runInApp(page, 'MATCH (n:Office) RETURN n.nme, n.name LIMIT 1; RETURN 1 +')
    const err = await page.textContent('#error')
    assert(/SyntaxError/.test(err), err)
    const table = await appTable(page)
    assert(table.rows.length === 1, 'the first statement of the script still shows its rows')
  })

  await check('completion offers the schema from the server', async () => {
    await page.fill('#query', 'MATCH (o:Offi')
    await page.press('#query', 'End')
    await page.press('#query', 'Control+Space')
    await page.waitForSelector('#completions:not([hidden]) li')
    const items = await page.locator('#completions li').allTextContents()
    assert(items.includes('Office'), items.join(','))
    await page.press('#query', 'Enter')
    assert(await page.inputValue('#query') === 'MATCH (o:Office', await page.inputValue('#query'))
    const hl = await page.locator('#highlight .tok-keyword').first().textContent()
    assert(hl === 'MATCH', hl)
  })

  await check('parameters, EXPLAIN and PROFILE drawn as a tree', async () => {
    await page.click('#params-box summary')
    await page.fill('#params', '{"name": "Japan"}')
    await runInApp(page, 'PROFILE MATCH (c:Country {name: $name})<-[v:VISITED]-(x) RETURN x.name, count(v) ORDER BY x.name')
    const ops = await page.locator('#view-plan .plan-tree .op').count()
    assert(ops >= 3, `${ops} operators`)
    assert(await page.locator('#view-plan .plan-tree li li').count() >= 1, 'nested operators')
    await page.fill('#params', '{}')
  })

  await check('a running query can be cancelled', async () => {
    const before = Number(await page.evaluate(() => document.body.dataset.runs || 0))
    await page.fill('#query', 'UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(*)')
    await page.press('#query', 'Control+Enter')
    await page.waitForSelector('#cancel:not([disabled])')
    await page.waitForTimeout(300)
    await page.click('#cancel')
    await page.waitForFunction((n) => Number(document.body.dataset.runs || 0) > n, before, { timeout: 20000 })
    const status = await page.textContent('#status')
    assert(/cancelled/i.test(status), `${status}: ${await page.textContent('#error')}`)
  })

  await check('exports: every format of silkgraph export, and PNG and SVG of the view', async () => {
    await page.click('[data-view=graph]')
    await runInApp(page, "MATCH (x)-[v:VISITED]->(c:Country {name: 'Kyrgyzstan'}) RETURN x, v, c")
    const formats = await page.locator('#export-format option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean))
    const cliFormats = childProcess.execFileSync(BIN, ['export', '--help'], { encoding: 'utf8' })
    for (const f of formats) assert(cliFormats.includes(f), `${f} is not a format of silkgraph export`)
    assert(formats.length >= 10, formats.join(','))
    for (const f of ['graphml', 'csv', 'png']) {
      const downloads = []
      const onDownload = (d) => downloads.push(d)
      page.on('download', onDownload)
      await page.selectOption('#export-format', f)
      await page.waitForFunction((n) => document.querySelector('#status').textContent.includes('exported'), null)
      await page.waitForTimeout(300)
      page.off('download', onDownload)
      const named = (await page.textContent('#status')).replace(/^exported /, '').split(' — ')[0].split(', ')
      assert(downloads.length === named.length && named.length >= 1, `${f}: ${downloads.length} files, ${named.join(',')} named`)
      const file = await downloads[0].path()
      const head = fs.readFileSync(file).subarray(0, 8)
      if (f === 'graphml') assert(fs.readFileSync(file, 'utf8').includes('<graphml'), 'graphml')
      if (f === 'png') assert(head.toString('hex') === '89504e470d0a1a0a', 'png magic')
      await page.evaluate(() => { document.querySelector('#status').textContent = '' })
    }
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#svg')])
    const text = fs.readFileSync(await svg.path(), 'utf8')
    assert(text.startsWith('<svg') && text.includes('Colour: label'), text.slice(0, 200))
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#png')])
    assert(fs.readFileSync(await png.path()).subarray(0, 4).toString('hex') === '89504e47', 'png of the view')
  })

  await check('a guide runs its step with one click and draws the picture', async () => {
    await page.click('#guides-button')
    await page.click("#guide-body button[data-guide='karate']")
    await page.waitForSelector('#guide-step')
    await page.click('#guide-next')
    await page.click('#guide-body .run-query')
    await page.waitForFunction(() => document.querySelectorAll('#graph .node').length === 34)
    assert(await page.inputValue('#db') === 'karate', 'the guide switched to the karate graph')
    const arrows = await page.locator('#graph .rel .line[marker-end]').count()
    assert(arrows === 0, `${arrows} arrows on an undirected graph`)
    await page.selectOption('#color-by', 'community')
    await page.waitForFunction(() => /Colour: community/.test(document.querySelector('#legend').textContent))
    const colors = await page.locator('#graph .node circle').evaluateAll((cs) => new Set(cs.map((c) => c.getAttribute('fill'))).size)
    assert(colors >= 2, `${colors} colours`)
  })

  await check('each label keeps its colour across queries', async () => {
    await page.selectOption('#db', 'kyrgyz_japan')
    await page.waitForTimeout(300)
    await page.selectOption('#color-by', 'label')
    await page.selectOption('#size-by', '')
    const colour = async (q) => {
      await runInApp(page, q)
      return page.evaluate(() => [...document.querySelectorAll('#graph .node')].map((n) => [n.querySelector('title').textContent.split(' ')[0], n.querySelector('circle').getAttribute('fill')]))
    }
    const a = await colour("MATCH (o:Office)-[v]->(c:Country) RETURN o, v, c LIMIT 5")
    const b = await colour('MATCH (c:Country) RETURN c')
    const office = a.find(([l]) => l === ':Office')
    const country = a.find(([l]) => l === ':Country')
    assert(office && country && office[1] !== country[1], JSON.stringify(a))
    assert(b.every(([l, c]) => l !== ':Country' || c === country[1]), JSON.stringify(b))
  })

  await check('pen drags and pins a node; two fingers pinch to zoom', async () => {
    await page.selectOption('#db', 'karate')
    await page.waitForTimeout(300)
    await runInApp(page, 'MATCH (a)-[t:INTERACTS]-(b) RETURN a, t, b')
    await page.waitForTimeout(500)
    const moved = await page.evaluate(() => {
      const svg = document.querySelector('#graph svg')
      const node = document.querySelector('#graph .node')
      const id = Number(node.dataset.id)
      const g = window.graphView
      const before = { x: g.nodes.get(id).x, y: g.nodes.get(id).y }
      const r = node.getBoundingClientRect()
      const at = (x, y, extra) => Object.assign({ bubbles: true, clientX: x, clientY: y, pointerType: 'pen', pointerId: 7, isPrimary: true }, extra)
      node.dispatchEvent(new PointerEvent('pointerdown', at(r.x + 3, r.y + 3)))
      svg.dispatchEvent(new PointerEvent('pointermove', at(r.x + 83, r.y + 43)))
      svg.dispatchEvent(new PointerEvent('pointerup', at(r.x + 83, r.y + 43)))
      const after = g.nodes.get(id)
      return { pinned: node.classList.contains('pinned') && after.fixed, dx: after.x - before.x }
    })
    assert(moved.pinned && moved.dx > 20, JSON.stringify(moved))
    const zoom = await page.evaluate(() => {
      const svg = document.querySelector('#graph svg')
      const g = window.graphView
      const k0 = g.view.k
      const r = svg.getBoundingClientRect()
      const t = (id, x, y) => ({ bubbles: true, clientX: r.x + x, clientY: r.y + y, pointerType: 'touch', pointerId: id })
      svg.dispatchEvent(new PointerEvent('pointerdown', t(1, 300, 300)))
      svg.dispatchEvent(new PointerEvent('pointerdown', t(2, 340, 300)))
      svg.dispatchEvent(new PointerEvent('pointermove', t(2, 420, 300)))
      svg.dispatchEvent(new PointerEvent('pointerup', t(2, 420, 300)))
      svg.dispatchEvent(new PointerEvent('pointerup', t(1, 300, 300)))
      return g.view.k / k0
    })
    assert(zoom > 2.5, `pinch zoomed ${zoom}x`)
  })

  await check('no script errors on the page', async () => {
    assert(errors.length === 0, errors.join(' | '))
  })

  if (SHOTS) await screenshots(context, server.url)

  await browser.close()
  await stop(server)

  // With a users file, the page and the API ask for a password.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silkgraph-browser-'))
  const users = path.join(dir, 'users')
  childProcess.execFileSync(BIN, ['user', 'add', 'ana', '--users', users], { input: 's3cret\n' })
  const secured = await startServer(['--empty', '--users', users])
  await check('with a users file, nothing is served without the password', async () => {
    const b = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
    const page = await fetch(secured.url + '/')
    assert(page.status === 401 && /Basic/.test(page.headers.get('www-authenticate')), `page ${page.status}`)
    const api = await fetch(secured.url + '/db/neo4j/query/v2', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"statement":"RETURN 1"}' })
    assert(api.status === 401, `api ${api.status}`)
    const ctx = await b.newContext({ httpCredentials: { username: 'ana', password: 's3cret' } })
    const p = await ctx.newPage()
    await p.goto(secured.url + '/')
    await p.waitForSelector("body[data-ready='1']")
    await runInApp(p, 'RETURN 40 + 2 AS answer')
    const t = await appTable(p)
    assert(t.rows[0][0] === '42', JSON.stringify(t))
    await b.close()
  })
  await stop(secured)
  fs.rmSync(dir, { recursive: true, force: true })
}

main()
  .catch((e) => { failed++; say(`FAIL - the suite: ${e && e.stack || e}`) })
  .finally(() => {
    say(`# app.cjs: ${passed} passed, ${failed} failed`)
    say('# app.cjs: done')
    process.exit(failed ? 1 : 0)
  })
