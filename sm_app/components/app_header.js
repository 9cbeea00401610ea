// The header of every signed-in page drawn by the browser from its props: the same skip link, rows, navigation,
// links and labels the page used to build from a dozen and a half server-side elements. Text goes in through {{ }}
// only, never as HTML. The badges, Sign out and the narrow screen's menu are real NiceGUI elements in named slots.
// As NiceGUI's header.js: the page scrolls link targets clear of the fixed header.
export default {
  template: `
    <q-header ref="qRef">
      <a :href="'#' + main_id" target="_self" class="nicegui-link skip-link">Skip to main content</a>
      <div class="nicegui-row row items-center gap-4 no-wrap gt-sm">
        <div class="text-h6">{{ clinic }}</div>
        <nav class="row items-center gap-4" aria-label="Main">
          <template v-for="entry in nav" :key="entry.href || entry.links[0].href">
            <div v-if="entry.badge" class="nicegui-row row items-center gap-1 no-wrap">
              <a :href="prefixed(entry.href)" target="_self" :class="linkClass(entry)"
                :aria-current="entry.current ? 'page' : null">{{ entry.text }}</a>
              <slot :name="entry.badge"></slot>
            </div>
            <span v-else class="row items-center gap-4 no-wrap header-links">
              <a v-for="link in entry.links" :key="link.href" :href="prefixed(link.href)" target="_self"
                :class="linkClass(link)" :aria-current="link.current ? 'page' : null">{{ link.text }}</a>
            </span>
          </template>
        </nav>
      </div>
      <div class="nicegui-row row items-center gap-2 no-wrap gt-sm">
        <div class="text-caption">{{ person }}</div>
        <a :href="prefixed(settings.href)" target="_self" :class="linkClass(settings)"
          :aria-current="settings.current ? 'page' : null">{{ settings.text }}</a>
        <slot name="sign_out"></slot>
      </div>
      <div class="nicegui-row row items-center gap-2 no-wrap lt-md shrink-0 header-compact">
        <slot name="menu"></slot>
      </div>
      <div class="lt-md text-subtitle2 ellipsis">{{ clinic }}</div>
      <slot></slot>
    </q-header>
  `,
  props: {
    addScrollPadding: Boolean,
    clinic: String,
    person: String,
    main_id: String,
    nav: Array,
    settings: Object,
  },
  mounted() {
    if (this.addScrollPadding) {
      this.resizeObserver = new ResizeObserver(() => {
        document.documentElement.style.scrollPaddingTop = `${this.$el.offsetHeight}px`;
      });
      this.resizeObserver.observe(this.$el);
    }
  },
  unmounted() {
    this.resizeObserver?.disconnect();
  },
  methods: {
    // As link.js does: a path on this server gets the app's path prefix, if it is mounted under one.
    prefixed(href) {
      return (href.startsWith("/") ? window.path_prefix || "" : "") + href;
    },
    linkClass(link) {
      return ["nicegui-link", "text-white", { "current-page": link.current }];
    },
  },
};
