/** Nodenet lab module (see the module's pom description). */
package dev.nodenet.lab;
