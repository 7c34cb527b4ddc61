package dev.keycloaktwofactor.it;

import com.fasterxml.jackson.databind.JsonNode;

/** A status and body as the server sent them. */
record HttpAnswer(int status, String body) {

    JsonNode json() {
        return Json.parse(body);
    }

    @Override
    public String toString() {
        return status + " " + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
    }
}
