"use strict";
// The data set form's "Use this token" button copies the suggested token into the token field.
// A static file rather than an inline onclick, so the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
    const button = document.getElementById("use-suggested-token");
    if (button === null) {
        return;
    }
    button.addEventListener("click", function () {
        const suggested = document.getElementById("suggested-token").textContent;
        document.getElementById("id_bearer_token").value = suggested;
    });
});
