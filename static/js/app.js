// Progressive enhancements; every page works without this file.
"use strict";

// Ask before a destructive action: <form data-confirm="Really deactivate?">.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Bring an error summary into view so screen readers announce it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
