package org.patgate.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;

/**
 * The package floors of docs/architecture.md, checked on the compiled classes: a package may use the
 * floors below it, never one above, and no two packages need each other. A package's {@code internal}
 * sub-package is part of it. A new package must be given a floor here before it can be used.
 */
@AnalyzeClasses(packages = "org.patgate", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Start-up and wiring: the launcher, the commands and the demo. Nothing depends on them. */
    static final String[] LAUNCH = {"org.patgate.server.app..", "org.patgate.server.cli..", "org.patgate.server.demo.."
    };

    /**
     * HTTP: shared plumbing, authentication of callers, the gateway, the Netty data plane (with its TLS
     * and PROXY protocol front), identity headers, metrics, API and UI.
     */
    static final String[] EDGE = {
        "org.patgate.server.http..",
        "org.patgate.server.auth..",
        "org.patgate.server.gateway..",
        "org.patgate.server.dataplane..",
        "org.patgate.server.identity..",
        "org.patgate.server.metrics..",
        "org.patgate.server.api..",
        "org.patgate.server.ui.."
    };

    /**
     * What PATgate does, without HTTP: tokens, users and directories, permissions, policies, settings, and the
     * links to the users' accounts on the upstream product.
     */
    static final String[] SERVICES = {
        "org.patgate.server.audit..",
        "org.patgate.server.directory..",
        "org.patgate.server.permission..",
        "org.patgate.server.policy..",
        "org.patgate.server.ratelimit..",
        "org.patgate.server.token..",
        "org.patgate.server.activity..",
        "org.patgate.server.settings..",
        "org.patgate.server.upstream..",
        "org.patgate.server.notify..",
        "org.patgate.server.cluster.."
    };

    /** What everything stands on: storage, configuration, errors, the caller's identity, logging. */
    static final String[] FOUNDATION = {
        "org.patgate.server.store..",
        "org.patgate.server.config..",
        "org.patgate.server.error..",
        "org.patgate.server.principal..",
        "org.patgate.server.logging.."
    };

    @ArchTest
    static final ArchRule noCyclesBetweenPackages =
            slices().matching("org.patgate.server.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noCyclesInCore =
            slices().matching("org.patgate.core.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule floors = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Launch")
            .definedBy(LAUNCH)
            .layer("Edge")
            .definedBy(EDGE)
            .layer("Services")
            .definedBy(SERVICES)
            .layer("Foundation")
            .definedBy(FOUNDATION)
            .whereLayer("Launch")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("Edge")
            .mayOnlyBeAccessedByLayers("Launch")
            .whereLayer("Services")
            .mayOnlyBeAccessedByLayers("Launch", "Edge")
            .whereLayer("Foundation")
            .mayOnlyBeAccessedByLayers("Launch", "Edge", "Services");

    @ArchTest
    static final ArchRule everyPackageHasAFloor = classes()
            .that()
            .resideInAPackage("org.patgate.server..")
            .and()
            .resideOutsideOfPackage("org.patgate.server")
            .should()
            .resideInAnyPackage(concat(LAUNCH, EDGE, SERVICES, FOUNDATION));

    @ArchTest
    static final ArchRule coreStandsAlone = noClasses()
            .that()
            .resideInAPackage("org.patgate.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.patgate.server..", "org.eclipse.jetty..", "java.sql..", "com.fasterxml.jackson..");

    /**
     * Repositories come only from the store's {@code Database}, and only services use them: the HTTP
     * edge, the commands and the demo go through services (the wiring in app may hand the database
     * to services).
     */
    @ArchTest
    static final ArchRule edgeNeverTouchesRepositories = noClasses()
            .that()
            .resideInAnyPackage(concat(EDGE, new String[] {"org.patgate.server.cli..", "org.patgate.server.demo.."}))
            .should()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Repository");

    @ArchTest
    static final ArchRule servicesSpeakNoHttp = noClasses()
            .that()
            .resideInAnyPackage(concat(SERVICES, FOUNDATION))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.eclipse.jetty.server..", "org.eclipse.jetty.http..");

    private static String[] concat(String[]... groups) {
        return Arrays.stream(groups).flatMap(Arrays::stream).toArray(String[]::new);
    }
}
