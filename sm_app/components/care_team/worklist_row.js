// One worklist row drawn by the browser from its props: the same Quasar item, sections, badges, link and captions
// the page used to build from a dozen server-side elements. Text goes in through {{ }} and the default slot (the
// subject, a text node, as in ui.link) only, never as HTML. The Claim button, when there is one, is a real NiceGUI
// button in the "claim" slot.
export default {
  template: `
    <q-item>
      <q-item-section>
        <div class="nicegui-row row items-center gap-2">
          <q-badge v-if="urgent" color="red-9" class="urgent-marker">Urgent</q-badge>
          <q-badge v-if="overdue" color="deep-orange-10" class="overdue-marker">Overdue</q-badge>
          <q-badge v-if="unread" color="blue-9" class="unread-marker">Unread</q-badge>
          <a :href="computed_href" :target="target" @click="open_here"
            :class="['nicegui-link', 'text-body1', 'row-link', { 'text-bold': unread }]"><slot></slot></a>
        </div>
        <div class="text-caption text-grey-8">{{ about }}</div>
      </q-item-section>
      <q-item-section side class="items-start">
        <div class="text-caption worklist-status">{{ status }}</div>
        <div class="text-caption worklist-with">{{ holder }}</div>
      </q-item-section>
      <q-item-section side class="items-end">
        <div class="text-caption">{{ received }}</div>
        <div :class="['text-caption', 'worklist-due', { 'text-negative text-bold': overdue }]">{{ due }}</div>
        <slot name="claim"></slot>
      </q-item-section>
    </q-item>
  `,
  props: {
    href: String,
    target: String,
    urgent: Boolean,
    unread: Boolean,
    overdue: Boolean,
    about: String,
    status: String,
    holder: String,
    received: String,
    due: String,
    opens_here: Boolean,
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
    // A plain click opens the conversation inside the Worklist (the server draws it there: no page load); a click
    // with a modifier key, a middle click or the browser's "open in new tab" follows the link as any link.
    open_here(event) {
      if (!this.opens_here || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return;
      }
      event.preventDefault();
      this.$emit("open");
    },
  },
};
