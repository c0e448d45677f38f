// Submits the OIDC / Deep Linking form as soon as the page loads (CSP allows
// no inline script; the button stays for browsers without script).
document.getElementById('autopost')?.submit();
