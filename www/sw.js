// Service worker: keeps the app shell and the engine (pkg/) so the page works offline after the
// first visit. Network first — a policy pack that changed on the server must win over the cached
// one — with the cache as the fallback when offline or when the network is very slow.
// Only static files of this site are cached; case data lives in the URL fragment, which is never
// sent in a request, so nothing about the person is ever stored here.
const CACHE = 'yibao-v1';
// The app shell: the page and every file index.html preloads (the default build's engine among
// them). Where a browser runs the MVP build, the page's report below adds its files.
const SHELL = ['./', 'index.html', 'app.css', 'app.js', 'js/vocab.js', 'js/share.js', 'js/render.js', 'icon.svg',
  'pkg/index.js', 'pkg/feature-detect.js', 'pkg/yibao.js', 'pkg/yibao_bg.wasm', 'pkg/packs.json'];
const SLOW_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(SHELL.map((u) => cache.add(new Request(u, { cache: 'no-cache' })).catch(() => undefined))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('yibao-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page reports what it loaded on the first visit (the engine's files are named by the build),
// so those are cached even though this worker was not yet in control then.
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'yibao:cache' || !Array.isArray(data.urls)) return;
  const scope = self.registration.scope;
  const urls = data.urls.filter((u) => typeof u === 'string' && u.startsWith(scope));
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        urls.map((u) =>
          cache.match(u).then((hit) => hit || cache.add(new Request(u, { cache: 'force-cache' })).catch(() => undefined)),
        ),
      ),
    ),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !req.url.startsWith(self.registration.scope)) return;
  event.respondWith(networkFirst(req));
});

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  const isPage = req.mode === 'navigate';
  const fallback = () => cache.match(req, { ignoreSearch: isPage }).then((hit) => hit || (isPage ? cache.match('index.html') : undefined));
  const network = fetch(req).then((res) => {
    if (res.ok && res.type === 'basic') {
      cache.put(req, res.clone()).catch(() => undefined);
    }
    return res;
  });
  const cached = await fallback();
  if (!cached) return network;
  const slow = new Promise((resolve) => setTimeout(() => resolve(cached), SLOW_MS));
  return Promise.race([network.catch(() => cached), slow]);
}
