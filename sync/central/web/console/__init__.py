"""The staff console: council staff read, review and answer what citizens sent, in a browser.

Pages are plain server-rendered HTML that work without JavaScript; every form carries Django's
CSRF token; who may see what is `access.staff_required(role)`; every sign-in and every action
is written to the staff audit log (`access.audit`)."""
