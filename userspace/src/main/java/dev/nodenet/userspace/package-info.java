/** Nodenet userspace module (see the module's pom description). */
package dev.nodenet.userspace;
