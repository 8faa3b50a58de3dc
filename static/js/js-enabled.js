// Loaded blocking at the top of <body> (instead of GOV.UK's inline snippet, which the
// Content-Security-Policy would refuse): marks the page as scripted before it renders.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
