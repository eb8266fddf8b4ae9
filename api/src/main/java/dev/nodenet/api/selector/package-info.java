/** Kubernetes label and field selectors: parsing the query-parameter syntax, canonical printing, matching. */
package dev.nodenet.api.selector;
