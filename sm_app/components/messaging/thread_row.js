// One row of a conversation list (Inbox, Sent, Trash, a folder, search results) drawn by the browser from its props:
// the same Quasar item, sections, markers, link and captions the page used to build from about ten server-side
// elements. Text goes in through {{ }} and the default slot (the subject, a text node, as in ui.link) only, never as
// HTML. What search shows under a row (its highlighted snippet) is real NiceGUI elements in the "extra" slot.
export default {
  template: `
    <q-item>
      <q-item-section>
        <div class="nicegui-row row items-center gap-2">
          <q-badge v-if="urgent" color="red-9" class="urgent-marker">Urgent</q-badge>
          <q-badge v-if="unread" color="blue-9" class="unread-marker">Unread</q-badge>
          <a :href="computed_href" :target="target"
            :class="['nicegui-link', 'text-body1', { 'text-bold': unread }]"><slot></slot></a>
        </div>
        <div class="text-caption text-grey-8">{{ about }}</div>
        <div v-if="status" class="text-caption text-bold text-grey-9 patient-status">{{ status }}</div>
        <slot name="extra"></slot>
      </q-item-section>
      <q-item-section side>
        <div class="text-caption">{{ when }}</div>
        <div v-if="staff_status" class="text-caption">{{ staff_status }}</div>
      </q-item-section>
    </q-item>
  `,
  props: {
    href: String,
    target: String,
    urgent: Boolean,
    unread: Boolean,
    about: String,
    status: String,
    when: String,
    staff_status: String,
  },
  // As link.js does: a path on this server gets the app's path prefix, which is known once the app is mounted.
  data() {
    return { computed_href: this.href };
  },
  mounted() {
    setTimeout(this.compute_href, 0);
  },
  updated() {
    this.compute_href();
  },
  methods: {
    compute_href() {
      this.computed_href = (this.href.startsWith("/") ? window.path_prefix || "" : "") + this.href;
    },
  },
};
