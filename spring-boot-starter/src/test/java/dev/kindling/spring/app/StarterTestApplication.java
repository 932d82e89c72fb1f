package dev.kindling.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal application that only adds the starter, as a user would. */
@SpringBootApplication
public class StarterTestApplication {
}
