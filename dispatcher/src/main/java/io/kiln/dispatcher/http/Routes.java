package io.kiln.dispatcher.http;

import io.javalin.config.RoutesConfig;

/** One group of the API's routes, added to the server when it starts. */
interface Routes {
    void addTo(RoutesConfig routes);
}
