package dev.keycloaktwofactor.it.support;

import com.fasterxml.jackson.databind.JsonNode;

/** A status and body as the server sent them. */
public record HttpAnswer(int status, String body) {

    public JsonNode json() {
        return Json.parse(body);
    }

    @Override
    public String toString() {
        return status + " " + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
    }
}
