package dev.kindling.spring.test.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A new user's application: nothing but the starter. */
@SpringBootApplication
public class TinyApp {
}
