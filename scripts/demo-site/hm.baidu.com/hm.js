// Stand-in for https://hm.baidu.com/hm.js, served locally by the Whither test server. It only defines a global.
window._hmt = window._hmt || { loaded: true };
