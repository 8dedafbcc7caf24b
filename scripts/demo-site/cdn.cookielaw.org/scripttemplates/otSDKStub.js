// Stand-in for https://cdn.cookielaw.org/scripttemplates/otSDKStub.js, served locally by the Whither test server. It only defines a global.
window.OneTrustStub = window.OneTrustStub || { loaded: true };
