// The handbook's search worker: wraps Material for MkDocs' own (9.8.1), which does the indexing,
// matching and highlighting. Before a query reaches it, the query is cut into the words the index
// was cut into (jieba at build time; here the index's own vocabulary, from the lexicon the build
// wrote, plus the domain words from the data), question words are dropped and every name of an
// entry (role and term aliases) is added. After, the results are re-ranked: pages whose name the
// question contains come first, pages about the handbook itself last.
// The index is not handed over whole: the page's setup message carries only Material's settings
// (search/search_index.json), and for each question this worker loads the pages that contain its
// words (search/pages/<n>.js, found through search/lexicon.js) and lets Material's worker index
// just those; see macros/site/search.py. So the first answer waits for the lexicon and a few pages,
// not for the whole handbook to be downloaded and indexed. Nothing waits at start-up either: the
// page is answered at once, and the lexicon, the data and Material's worker load side by side.
// Data (generated from data/ by the build): search-data.js beside this file. No other host.
"use strict"

// Opened from a folder (file://, the offline copy), the page runs this worker in an iframe
// (iframe-worker, see overrides/main.html): there importScripts loads asynchronously and returns a
// Promise, and a relative URL resolves against the page. So each script is named from this file and
// awaited; in a real worker the same code runs at once.
const HERE = self.document ? document.currentScript.src : self.location.href
const load = url => Promise.resolve(importScripts(new URL(url, HERE).href))
// From a folder, a page cannot fetch; over http, fetching lets the parts download side by side.
const FROM_FOLDER = new URL(HERE).protocol === "file:"
const SEARCH = "../../../search/"

// Material's worker imports its language scripts at each setup: once is enough (it is set up again
// for each question, over the pages that question needs).
const imported = new Set()
const importOnce = self.importScripts
self.importScripts = (...urls) => {
  const fresh = urls.map(String).filter(url => !imported.has(url))
  fresh.forEach(url => imported.add(url))
  if (!fresh.length) return FROM_FOLDER ? Promise.resolve() : undefined
  return importOnce.apply(self, fresh)
}

// The parts of the index: scripts that call self.__hbPart(name, data), or their data read as JSON.
const parts = new Map()
self.__hbPart = (name, data) => parts.set(name, data)
function part(path, name) {
  if (!parts.has(name)) {
    const loaded = FROM_FOLDER
      ? load(path).then(() => parts.get(name))
      : fetch(new URL(path, HERE)).then(response => {
        if (!response.ok) throw new Error(`${path}: ${response.status}`)
        return response.text()
      }).then(text => JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")"))))
    parts.set(name, loaded)
  }
  return Promise.resolve(parts.get(name))
}
// All start downloading at once, side by side, and nothing waits for them before the page's first
// message is answered. The small ones first: what they start (fetching Material's worker ahead)
// then begins before the lexicon is read, which keeps this worker busy for a moment.
const searcher = part("search-data.js", "data").then(data => searcherOf(data))
// Material's settings, as the page will send them (search/search_index.json; from a folder the
// offline plugin's search_index.js): read here too, so that Material's worker can be made ready
// before the page's message arrives.
const settingsLoaded = FROM_FOLDER
  ? load(`${SEARCH}search_index.js`).then(() => self.__index)
  : fetch(new URL(`${SEARCH}search_index.json`, HERE)).then(response => response.json())
const lexiconLoaded = part(`${SEARCH}lexicon.js`, "lexicon")

const SETUP = 0
const READY = 1
const QUERY = 2
const RESULT = 3

// Over http, the scripts this worker imports later (Material's worker and its language scripts) are
// fetched as soon as their names are known, beside the lexicon: importing one stops everything
// else in a worker, and from the browser's cache it only compiles. (From a folder there is nothing
// to fetch ahead.)
function prefetch(url) {
  if (FROM_FOLDER) return Promise.resolve()
  return fetch(new URL(url, HERE)).then(response => response.arrayBuffer()).catch(() => null)
}

// Material's worker answers through postMessage: its answers to this worker's own messages come
// back here, the rest go to the page.
const postToPage = self.postMessage.bind(self)
let reply = null
self.postMessage = message => {
  if (reply) {
    const resolve = reply
    reply = null
    resolve(message)
  }
  else postToPage(message)
}
function toMaterial(message) {
  return new Promise(resolve => {
    reply = resolve
    self.dispatchEvent(new MessageEvent("message", { data: { ...message, handbook: true } }))
  })
}

let setup = null  // Material's settings and options, from the page
let pending = null  // the latest question not yet answered (one typed before it need not be)
let running = false

async function run() {
  running = true
  while (pending !== null) {
    const query = pending
    pending = null
    let data
    try {
      data = await (await searcher).answer(query)
    } catch (error) {
      console.warn("检索出错：", error)
      data = { items: [] }
    }
    if (pending === null) postToPage({ type: RESULT, data })
  }
  running = false
}

// Registered at once (a message that arrives before any listener is lost) and before Material's
// worker is loaded, so this listener sees each message first: the page's messages stop here; this
// worker's own (marked) go on to Material's. The page is told it is ready as soon as its settings
// arrive: the first question then waits only for what it needs.
addEventListener("message", event => {
  const message = event.data
  if (!message || message.handbook) return
  event.stopImmediatePropagation()
  if (message.type === SETUP) {
    setup = { config: message.data.config, options: message.data.options }
    postToPage({ type: READY })
  }
  else if (message.type === QUERY) {
    pending = message.data
    if (!running) run()
  }
})

/** What answers questions, once the data the build wrote from data/ (search-data.js) has loaded. */
function searcherOf(HB) {
  performance.mark("hb-data")
  const LONGEST_WORD = 12
  const LENGTH_DAMPING = 0.7
  const SHOWN_SECTIONS = 3
  const PROXIMITY = 0.5
  const SYNONYM = 0.7  // a word the question did not use itself
  const NEAR = 6
  const CLOSE_SECOND = 0.75
  // what it is worth that the question names the entry itself, beyond the rarity of the name
  const NAMED = 3
  // A term's page holds its definition and what other entries say about it: where those match a
  // question as well as the entry they come from, the entry answers it, so a term page ranks lower.
  const TERM_PAGE = 0.75
  // Pages loaded and indexed for one question: downloading and indexing them is most of a first
  // answer's time, and a browser fetches six files at a time, so on a slow intranet each six more
  // cost a round trip. (The question set finds as many answers with 8 as with 24: bench/README.md.)
  const MOST_PAGES = 12
  const SHOWN_PAGES = 3
  // what it is worth, to a question about a time limit, that a section states one
  const STATES_LIMIT = 5
  // A body is often called by its name without the kind of body: 归口派驻 for 归口派驻纪检组
  const KIND_OF_BODY = /(纪检组|纪检监察室|工作组|领导小组)$/u
  // 几 and the thing counted; a measure word (几个、几项) counts anything, and is left alone
  const HOW_MANY = /几([^\P{sc=Han}个项种条类次步天年月件])/gu
  const NUMERALS = [..."一二三四五六七八九十两"]
  const HAN = /\p{sc=Han}/u
  // Material's query segmenter never tries a Han run as a whole word, only its proper prefixes: a
  // character that is in no index word, put after each word, makes it try the word itself.
  const END_OF_WORD = "\u3400"

  const vocabulary = new Set([...HB.words, ...Object.keys(HB.everyday)])
  const texts = new Map()  // location -> plain lower-case title and text, as a reader sees them
  const rarities = new Map()  // word -> rarity, worked out once per word
  let lexicon = null
  const questionWords = new Set(HB.questionWords)
  const timeWords = new Set(HB.timeWords)
  let current = { text: "", words: [], added: [], quoted: [], time: false, locations: [] }
  let averageLength = 1
  let counts = new Map()  // word -> how many sections hold it, for the words the build counted
  // The Han characters of macros/site/search.py (_HAN_RUN), which chose the words of the vocabulary.
  const INDEX_HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u

  /** The lexicon, once loaded: the index's Han words (as macros/site/search.py counts them) join the
      domain words the query is cut into; each word's count of sections and its pages are read at
      the word's place in the lists (see split_search_index). */
  function prepare(data) {
    if (lexicon === data) return
    lexicon = data
    averageLength = data.averageLength
    counts = new Map(Object.entries(data.otherCounts))
    data.words.forEach((word, i) => {
      const length = [...word].length
      if (length > 1 && length <= LONGEST_WORD && INDEX_HAN.test(word)) vocabulary.add(word)
      if (data.counts[i] !== null) counts.set(word, data.counts[i])
    })
  }

  /** The pages whose sections hold a word that begins with one of the question's words (lunr's
      trailing wildcard, as Material queries): what Material's worker can find for it. A single
      Han character begins too many words to narrow anything, and weighs little: characters that
      stand alone side by side (五 账, no word of the index) are looked up together, as the start of
      a word (五账管理); only when nothing else is found does each count on its own.
      Of these, the MOST_PAGES that hold the rarest of its words (or that it names) are loaded: a
      common word would otherwise bring half the handbook, and the re-ranking would put those
      pages below the ones kept anyway. Listings and pages about the handbook come last here too. */
  async function pagesFor() {
    const single = word => word.length === 1 && HAN.test(word)
    const words = [...current.words, ...current.added]
    const keys = words.filter(word => !single(word))
    for (let i = 0; i < words.length; i++) {
      let j = i
      while (j < words.length && single(words[j])) j++
      if (j - i > 1) keys.push(words.slice(i, j).join(""))
      i = j
    }
    const score = new Map()
    const weightOf = key => {
      const known = counts.get(key)
      return Math.log((lexicon.sections + 1) / ((known === undefined ? 1 : known) + 1))
    }
    const weigh = (key, also = []) => {
      const weight = weightOf(key)
      for (const page of new Set([...pagesOf(key), ...also])) score.set(page, (score.get(page) || 0) + weight)
    }
    for (const key of keys) weigh(key)
    if (!score.size) {
      const characters = await part(`${SEARCH}characters.js`, "characters")
      for (const word of words.filter(single)) weigh(word, characters[word] || [])
    }
    // An entry named by the question comes first; one whose name holds the question's words counts
    // them half again, as a section's title does when results are ranked (对单位问责的 4 种方式 for
    // 单位被问责…): a common word brings many pages, and its name tells which are about it.
    const bonus = new Map()
    const named = new Set()
    for (const [location, names, section] of pageNames)
      if (names.some(key => key.length > 1 && current.text.includes(key))) {
        bonus.set(location, NAMED)
        named.add(location)
      } else if (!section && !bonus.has(location)) {
        const inName = keys.filter(key => names.some(name => name.includes(key)))
        if (inName.length) bonus.set(location, inName.reduce((sum, key) => sum + weightOf(key), 0) / 2)
      }
    const rank = page => {
      const location = lexicon.locations[page]
      return [held(location, named.has(location)), -(score.get(page) + (bonus.get(location) || 0))]
    }
    const ranked = [...score.keys()].map(page => [rank(page), page])
    ranked.sort(([a, p], [b, q]) => (a[0] - b[0]) || (a[1] - b[1]) || (p - q))
    // listings only repeat the entries' summaries: loaded when the entries found are too few to fill
    // the first results
    const entries = ranked.filter(([[later]]) => !later).length
    const kept = entries >= SHOWN_PAGES ? ranked.slice(0, Math.min(entries, MOST_PAGES)) : ranked.slice(0, MOST_PAGES)
    return kept.map(([, page]) => page).sort((a, b) => a - b)
  }

  /** How far back a page goes among the results: pages about the handbook last, listings (which
      repeat every entry's summary) after entries; unless the question names something on the page
      (a document's title names its entry in 文件目录, on the sources page). */
  function held(location, named) {
    if (named) return 0
    return HB.demoted.includes(location) ? 2 : HB.listings.includes(location) ? 1 : 0
  }

  // The names the question is compared with (lower case, letters and digits), by page: a named
  // section (a document in 文件目录) names its page, and only a page's own name counts in part.
  const pageNames = Object.entries(HB.names).map(([location, names]) => [page(location),
    names.map(name => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "")), location.includes("#")])

  /** The pages of the words that begin with `start` (a range of the sorted list). */
  function pagesOf(start) {
    const found = new Set()
    let low = 0
    let high = lexicon.words.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (lexicon.words[middle] < start) low = middle + 1
      else high = middle
    }
    for (let i = low; i < lexicon.words.length && lexicon.words[i].startsWith(start); i++) {
      let page = 0
      for (const difference of lexicon.pages[i].split(",")) found.add(page += +difference)
    }
    return found
  }

  /** Cut a run of Han characters into the fewest known words; an unknown character stands alone. */
  function segment(run) {
    const best = [{ cost: 0, words: [] }]
    for (let i = 0; i < run.length; i++) {
      if (!best[i]) continue
      for (let j = i + 1; j <= Math.min(run.length, i + LONGEST_WORD); j++) {
        const piece = run.slice(i, j)
        const known = vocabulary.has(piece) || questionWords.has(piece) || timeWords.has(piece)
        if (!known && j - i > 1) continue
        const cost = best[i].cost + (known ? 1 : 2)
        if (!best[j] || cost < best[j].cost) best[j] = { cost, words: [...best[i].words, piece] }
      }
    }
    return best[run.length].words
  }

  /** Words of a text: Han runs segmented, other runs (numbers, Latin) kept as they are. */
  function words(text) {
    const result = []
    for (const part of text.toLowerCase().split(/[^\p{L}\p{N}]+/u))
      for (const run of part.match(/\p{sc=Han}+|[^\p{sc=Han}]+/gu) || [])
        result.push(...(HAN.test(run) ? segment(run) : [run]))
    return result
  }

  /** The query as Material's worker should see it: content words, the other names of the entries
      they name, and the handbook's words for everyday ones. */
  function rewrite(query) {
    // a question about a time limit: the limit is what it wants, the time words are not its subject
    const time = HB.timeWords.some(word => query.includes(word))
    const kept = words(query).filter(word => !questionWords.has(word) && !(time && timeWords.has(word)))
    const all = [...kept]
    const added = []
    for (const word of kept)
      for (const synonym of [...HB.synonyms[word] || [], ...HB.everyday[word] || []])
        for (const piece of words(synonym))
          if (!all.includes(piece)) { all.push(piece); added.push(piece) }
    // "how many X" asks for the handbook's numbered lists: 把好哪几关 → 五关, if the index has the word
    for (const [, thing] of query.matchAll(HOW_MANY))
      for (const numeral of NUMERALS)
        if (vocabulary.has(numeral + thing) && !all.includes(numeral + thing)) {
          all.push(numeral + thing)
          added.push(numeral + thing)
        }
    const quoted = [...query.matchAll(/[“"‘']([^”"’']+)[”"’']/gu)].map(match => match[1].toLowerCase())
    current = { text: query.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ""), words: kept, added, quoted, time,
                locations: [] }
    if (!all.length) return query
    // (a single character needs no mark: Material tries a one-character run as it is, and would
    // find nothing if the pages loaded for the question hold no word of that one character)
    return all.map(word => HAN.test(word) && word.length > 1 ? word + END_OF_WORD : word).join(" ")
  }

  function plain(html) {
    return html.replace(/<[^>]*>/g, "").replace(/\u200b/g, "").toLowerCase()
  }

  function page(location) {
    return location.split("#")[0]
  }

  /** How rare a word is in the handbook: log(sections / sections containing it). The build counted
      every word of the index, every Han character and every domain word; anything else (a number,
      a long name) is counted in the sections this question loaded, which hold every one of its
      occurrences that the question's words lead to. */
  function rarity(word) {
    if (rarities.has(word)) return rarities.get(word)
    let count = counts.get(word)
    const counted = count !== undefined
    if (!counted) {
      count = 0
      for (const location of current.locations)
        if (texts.get(location).includes(word)) count++
    }
    const value = Math.log((lexicon.sections + 1) / (count + 1))
    if (counted) rarities.set(word, value)
    return value
  }

  /** How much of the question a result answers: the rarity of each question word it contains (a
      word in its title counts half again). */
  function relevance(item, weights, pageTitle) {
    const text = texts.get(item.location) || ""
    const title = plain(item.title)
    let body = 0
    let heading = 0
    for (const [word, weight] of weights)
      if (text.includes(word)) {
        body += weight
        if (title.includes(word)) heading += weight / 2  // a word in the title counts half again
      }
      else if (pageTitle.includes(word))
        body += weight / 2  // a section is about what its page is about: 第一步 召集 of 片区联席会议
    // words that stand together in the question and close together in the text say more
    for (let i = 1; i < weights.length; i++)
      if (near(text, weights[i - 1][0], weights[i][0]))
        body += PROXIMITY * Math.min(weights[i - 1][1], weights[i][1])
    // a long section contains many words by chance: damp its body (as BM25 does, mildly), not its title
    return heading + body / (1 + LENGTH_DAMPING * Math.log2(1 + text.length / averageLength))
  }

  /** Whether two words occur within a few characters of each other. */
  function near(text, a, b) {
    for (let i = text.indexOf(a); i !== -1; i = text.indexOf(a, i + 1)) {
      const window = text.slice(Math.max(0, i - NEAR), i + a.length + NEAR)
      if (window.includes(b)) return true
    }
    return false
  }

  /** A bonus when the question names the entry a result is about. */
  function named(item) {
    const names = HB.names[item.location] || (item.location.includes("#") ? [] : [plain(item.title)])
    let score = 0
    for (const name of names) {
      const key = name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "")
      // a one-character name counts only when the question quotes it (室组地的“地”)
      if (key.length > 1 ? current.text.includes(key) : current.quoted.includes(key))
        score += NAMED * Math.min(1, Math.max(1, key.length - 1) / 3) + rarity(key)  // short names are ambiguous
      else if (current.text.length > 1 && key.startsWith(current.text))
        score += NAMED * current.text.length / key.length  // the question is the start of the name: 派驻 → 派驻机构
      else {
        const stem = key.replace(KIND_OF_BODY, "")
        if (stem !== key && stem.length > 2 && current.text.includes(stem)) score += NAMED / 2 + rarity(stem)
      }
    }
    return score
  }

  /** Pages in a reader's order, and in each page the section that answers best first, so that it is
      the one Material shows; Material's own order breaks ties. */
  function rerank(groups) {
    // a single character says less than a word: half its rarity
    const weights = [
      ...current.words.map(word => [word, rarity(word) * (word.length > 1 ? 1 : 0.5)]),
      ...current.added.map(word => [word, rarity(word) * SYNONYM]),
    ]
    const keyed = groups.map((group, index) => {
      const pageTitle = plain((group.find(item => !item.location.includes("#")) || { title: "" }).title)
      const items = group.map((item, order) => ({ item, order, score: relevance(item, weights, pageTitle) }))
      // asked how long: among the sections about what it asks, the ones that state a limit come first
      if (current.time)
        for (const entry of items)
          if (entry.score > 0 && HB.limits[entry.item.location]) entry.score += STATES_LIMIT
      items.sort((a, b) => (b.score - a.score) || (a.order - b.order))
      const location = page(group[0].location)
      const naming = Math.max(...group.map(named))
      const best = (items[0].score + naming) * (location.startsWith("terms/") ? TERM_PAGE : 1)
      const demoted = held(location, naming > 0 && group.some(item => item.location.includes("#") && named(item) > 0))
      // Material shows the sections that score as high as the first one: the close seconds too
      const sorted = items.map(({ item, score }, position) => ({
        ...item,
        score: position < SHOWN_SECTIONS && score >= CLOSE_SECOND * items[0].score
          ? items[0].score : score - (position + 1) * 1e-6,
      }))
      return { group: sorted, index, demoted, best }
    })
    keyed.sort((a, b) => (a.demoted - b.demoted) || (b.best - a.best) || (a.index - b.index))
    return keyed.map(entry => entry.group)
  }

  // The index's text keeps jieba's cuts as zero-width spaces: unseen in a result, but copied with it.
  const visible = text => text && text.replace(/\u200b/g, "")
  const shown = item => ({ ...item, title: visible(item.title), text: visible(item.text) })

  let indexed = ""  // the pages Material's worker holds now

  // Material's worker, imported once it and its language scripts have been fetched, and set up once
  // with no pages, so that it imports its language scripts then: all while the lexicon downloads,
  // not when a question waits. The language scripts are those Material 9.8.1's worker imports
  // (setupSearchLanguages); should they differ after an upgrade, only the fetching ahead is lost.
  const fetched = Promise.all([
    prefetch(HB.worker),
    settingsLoaded.then(settings => Promise.all(["stemmer.support", ...settings.config.lang.filter(lang => lang !== "en")]
      .map(name => prefetch(`../lunr/min/lunr.${name}.min.js`)))),
  ])
  const material = fetched
    .then(() => performance.mark("hb-fetched"))
    .then(() => load(HB.worker))
    .then(() => settingsLoaded)
    .then(settings => toMaterial({ type: SETUP, data: materialSetup(settings, []) }))
    .then(() => performance.mark("hb-material"))
  material.catch(() => null)  // a failure is reported by the question that waits for it

  /** What Material's worker is set up with: the page's settings (the worker's own until they come). */
  function materialSetup(settings, docs) {
    const given = setup || { config: settings.config, options: { suggest: false } }
    // Material weighs a title word 1000 times a body word, so any page whose title shares one
    // word with a question outranks the page that answers it; names are ranked above instead.
    const title = { ...given.config.fields.title, boost: HB.titleBoost }
    return { ...given, config: { ...given.config, fields: { ...given.config.fields, title } }, docs }
  }

  /** Load the pages the question needs, have Material's worker index and search them, re-rank. */
  // Marks (performance.mark) say where a question's time went; bench/first_search.py reads them.
  async function answer(query) {
    prepare(await lexiconLoaded)
    performance.mark("hb-lexicon")
    const rewritten = rewrite(query)
    const pages = await pagesFor()
    performance.mark("hb-chosen")
    if (!pages.length) return { items: [] }
    const loading = Promise.all(pages.map(n => part(`${SEARCH}pages/${n}.js`, String(n))))
    await material  // (imported by now, unless the question came first: then while its pages download)
    const docs = (await loading).flat()
    performance.mark("hb-pages")
    for (const doc of docs)
      if (!texts.has(doc.location)) texts.set(doc.location, plain(`${doc.title} ${doc.text}`))
    current.locations = docs.map(doc => doc.location)
    if (indexed !== pages.join()) {
      indexed = ""
      await toMaterial({ type: SETUP, data: materialSetup(await settingsLoaded, docs) })
      indexed = pages.join()
    }
    performance.mark("hb-indexed")
    const result = (await toMaterial({ type: QUERY, data: rewritten })).data
    performance.mark("hb-matched")
    const items = rerank(result.items).map(group => group.map(shown))
    performance.mark("hb-ranked")
    return { ...result, items }
  }

  return { answer }
}
