// Stand-in for https://static.criteo.net/js/ld/publishertag.js, served locally by the Whither test server. It only defines a global.
window.Criteo = window.Criteo || { loaded: true };
