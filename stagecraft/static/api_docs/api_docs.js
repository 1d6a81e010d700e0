/* Starts Swagger UI on /api/docs (stagecraft/templates/api_docs.html) with the OpenAPI document
   named by the page. A static file, so that the page needs no inline script under a Content
   Security Policy. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // No badge from the public validator service: the page loads nothing from elsewhere.
    validatorUrl: null
  });
})();
