package dev.kindling.spring.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * {@link KindlingProblemDetailsAdvice} in a servlet web application, unless {@code kindling.problem-details.enabled=false}
 * (an application that maps the engine's exceptions itself).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, ProblemDetail.class})
@ConditionalOnBooleanProperty(name = "kindling.problem-details.enabled", matchIfMissing = true)
public class ProblemDetailsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public KindlingProblemDetailsAdvice kindlingProblemDetailsAdvice() {
        return new KindlingProblemDetailsAdvice();
    }
}
