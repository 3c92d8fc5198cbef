package org.patgate.server.dataplane.internal;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.patgate.server.gateway.RefusalAnswer;
import org.patgate.server.gateway.UpstreamHeaders;
import org.patgate.server.http.Json;
import org.patgate.server.http.Problem;

/**
 * The answers the data plane writes itself, as complete Netty responses, and the conversion of
 * header sets between Netty and Jetty's {@link HttpFields} (arrival order kept). Problems carry the
 * same status, slug, title and detail as the Jetty data plane's ({@code app.ProblemErrorHandler}):
 * never an exception text or an upstream address. Stateless.
 */
public final class Answers {

    private Answers() {}

    /** A problem+json answer for a failure PATgate itself found (400, 408, 502, 504, ...). */
    public static FullHttpResponse problem(int status, String detail, String path) {
        String title = HttpStatus.getMessage(status);
        String shown = switch (status) {
            case 502 -> "the upstream server could not be reached or failed";
            case 504 -> "the upstream server did not answer in time";
            default -> status >= 500 ? "the server could not complete the request; the log has details" : detail;
        };
        Problem problem = Problem.of(status, slug(title), title, shown == null ? title : shown);
        if (path != null) {
            problem = problem.at(path);
        }
        return full(status, Map.of(), Json.write(problem));
    }

    /** The gateway's own answer (a refusal), as it built it. */
    public static FullHttpResponse of(RefusalAnswer.Answer answer) {
        return of(answer.status(), answer.headers(), answer.body());
    }

    /** An answer PATgate made: {@code headers} without framing, which is added here. */
    public static FullHttpResponse of(int status, HttpFields headers, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        toNetty(headers, response.headers());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /** A complete answer with a problem+json body and the given extra headers. */
    public static FullHttpResponse full(int status, Map<String, String> headers, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        HttpHeaders out = response.headers();
        out.set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        out.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        headers.forEach(out::set);
        out.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /** Marks an answer as the last on its connection. */
    public static <T extends io.netty.handler.codec.http.HttpResponse> T closing(T response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    /** Netty's headers as Jetty fields, in arrival order, names as sent. */
    public static HttpFields toJetty(HttpHeaders headers) {
        HttpFields.Mutable fields = HttpFields.build(headers.size());
        for (Map.Entry<String, String> header : headers) {
            fields.add(header.getKey(), header.getValue());
        }
        return fields;
    }

    /** Adds every Jetty field to {@code out}, in order. */
    public static void toNetty(HttpFields fields, HttpHeaders out) {
        for (HttpField field : fields) {
            out.add(field.getName(), field.getValue());
        }
    }

    /** Netty's headers as where the gate writes the upstream header set. */
    public static UpstreamHeaders.Sink into(HttpHeaders out) {
        return new UpstreamHeaders.Sink() {
            @Override
            public void add(HttpField field) {
                out.add(field.getName(), field.getValue());
            }

            @Override
            public void put(String name, String value) {
                out.set(name, value);
            }
        };
    }

    /** A fresh Netty header set holding {@code fields}. */
    public static HttpHeaders toNetty(HttpFields fields) {
        HttpHeaders out = new DefaultHttpHeaders();
        toNetty(fields, out);
        return out;
    }

    private static String slug(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
