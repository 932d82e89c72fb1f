package dev.kindling.sample.api;

import dev.kindling.core.serving.finetune.PayloadTooLargeException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;

/**
 * Refuses API request bodies beyond the configured size with 413 before they are buffered: by their
 * declared length, or, for chunked bodies, as soon as reading passes the limit. Multipart uploads are
 * bounded by Spring's multipart limits instead.
 */
final class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long limit;
    private final JsonMapper json = JsonMapper.builder().build();

    RequestSizeLimitFilter(long limit) {
        this.limit = limit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return !request.getRequestURI().startsWith("/v1/") || (type != null && type.startsWith(MediaType.MULTIPART_FORM_DATA_VALUE))
                || request.getRequestURI().endsWith("/fine-tune-jobs");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                    "request body of " + declared + " bytes exceeds the limit of " + limit + " bytes");
            p.setTitle("Request too large");
            p.setInstance(URI.create(request.getRequestURI()));
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            json.writeValue(response.getOutputStream(), p);
            return;
        }
        chain.doFilter(new Limited(request, limit, isUtf8Json(request)), response);
    }

    /** A JSON body in UTF-8 (JSON's own encoding, and the default when no charset is given) is checked as strict UTF-8. */
    private static boolean isUtf8Json(HttpServletRequest request) {
        String type = request.getContentType();
        String charset = request.getCharacterEncoding();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).contains("json")
                && (charset == null || charset.equalsIgnoreCase("UTF-8") || charset.equalsIgnoreCase("UTF8"));
    }

    /** Counts bytes as the body is read and fails past the limit; checks a UTF-8 JSON body as strict UTF-8. */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private final boolean utf8;

        Limited(HttpServletRequest request, long limit, boolean utf8) {
            super(request);
            this.limit = limit;
            this.utf8 = utf8;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            StrictUtf8 strict = utf8 ? new StrictUtf8() : null;
            return new ServletInputStream() {
                private long count;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        check(1);
                        if (strict != null) {
                            strict.update(b);
                        }
                    } else if (strict != null) {
                        strict.end();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0) {
                        check(n);
                        if (strict != null) {
                            strict.update(buf, off, n);
                        }
                    } else if (n < 0 && strict != null) {
                        strict.end();
                    }
                    return n;
                }

                private void check(int n) {
                    count += n;
                    if (count > limit) {
                        throw new PayloadTooLargeException("request body exceeds the limit of " + limit + " bytes");
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
