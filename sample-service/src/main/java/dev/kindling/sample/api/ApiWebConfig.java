package dev.kindling.sample.api;

import dev.kindling.sample.SampleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The API key guard on feedback, fine-tuning, rollback and audit endpoints, the request size limit, and the API's JSON settings. */
@Configuration(proxyBeanMethods = false)
public class ApiWebConfig implements WebMvcConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ApiWebConfig.class);

    private final String apiKey;

    public ApiWebConfig(SampleProperties properties) {
        String key = properties.getApiKey();
        if (key == null || key.isBlank()) {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            key = HexFormat.of().formatHex(b);
            log.info("No sample.api-key configured: feedback and fine-tuning need the generated key {} (header X-API-Key)", key);
        }
        this.apiKey = key;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ApiKeyInterceptor(apiKey))
                .addPathPatterns("/v1/models/*/feedback", "/v1/models/*/fine-tune-jobs", "/v1/fine-tune-jobs/**",
                        "/v1/models/*/versions/*/rollback", "/v1/models/*/audit");
    }

    @Bean
    JsonMapperBuilderCustomizer kindlingApiJson() {
        return new ApiJsonCustomizer();
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> kindlingRequestSizeLimit(SampleProperties properties) {
        FilterRegistrationBean<RequestSizeLimitFilter> r = new FilterRegistrationBean<>(new RequestSizeLimitFilter(properties.getMaxRequestBytes()));
        r.addUrlPatterns("/v1/*");
        return r;
    }
}
