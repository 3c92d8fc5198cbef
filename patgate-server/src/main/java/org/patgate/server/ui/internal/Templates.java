package org.patgate.server.ui.internal;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The UI's templates, compiled to classes at build time (no compiler at run time). Output is
 * HTML-escaped by context: text, attributes and URLs. Thread-safe.
 */
public final class Templates {

    private final TemplateEngine engine =
            TemplateEngine.createPrecompiled(null, ContentType.Html, Templates.class.getClassLoader());

    /** Renders {@code name} (e.g. {@code "tokens.jte"}) with its parameters by name. */
    public String render(String name, Map<String, Object> params) {
        StringOutput output = new StringOutput(8192);
        engine.render(name, params, output);
        return output.toString();
    }
}
