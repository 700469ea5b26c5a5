// Starts Swagger UI on the gateway's OpenAPI document with the settings the page carries.
window.addEventListener("load", function () {
  var config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  config.url = config.urls[0].url;
  delete config.urls;
  // Never send the document to a public validator.
  config.validatorUrl = null;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.layout = "BaseLayout";
  window.ui = SwaggerUIBundle(config);
});
