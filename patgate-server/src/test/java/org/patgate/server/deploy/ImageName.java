package org.patgate.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OCI image name the build gives the image (property {@code patgate.image} of patgate-server/pom.xml). */
final class ImageName {

    private ImageName() {}

    static String fromBuild() {
        String serverPom = PackagingDoc.read(PackagingDoc.REPOSITORY.resolve("patgate-server/pom.xml"));
        Matcher name = Pattern.compile("<patgate.image>([^<]+)</patgate.image>").matcher(serverPom);
        assertThat(name.find()).as("<patgate.image> in patgate-server/pom.xml").isTrue();
        Matcher version = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
                .matcher(serverPom);
        assertThat(version.find())
                .as("the parent version in patgate-server/pom.xml")
                .isTrue();
        return name.group(1).replace("${project.version}", version.group(1));
    }
}
