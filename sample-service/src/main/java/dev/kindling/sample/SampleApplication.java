package dev.kindling.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Kindling sample service: classifies text over WordNet's hypernyms (tens of thousands of labels)
 * with a hierarchical softmax, accepts feedback and fine-tuning jobs, and learns online while serving.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
